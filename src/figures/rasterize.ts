/**
 * SVG → PNG with resvg, in a worker thread that is replaced every RECYCLE_AFTER figures.
 *
 * resvg-js 2.6.2 keeps about 20–30 MB of native memory per rendered figure that garbage collection
 * never returns (upstream issue thx/resvg-js#216); a 2,000-study report with ~140 figures then
 * reached 4 GB. Memory of a terminated worker is returned to the allocator and reused, so recycling
 * the worker bounds the process at roughly RECYCLE_AFTER figures' worth. The worker is unref'd
 * while idle, so it never keeps the process alive. Output bytes are identical to in-process
 * rendering (same library, same options).
 */
import { Worker } from 'node:worker_threads';
import { FONT } from './theme.ts';
import { dejaVuFontFiles } from './text-metrics.ts';

const RECYCLE_AFTER = 8;
const WORKER_URL = new URL('./rasterize-worker.mjs', import.meta.url);

interface Pending {
  resolve: (png: Uint8Array) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** replaced by a fresh worker: terminate once its last job has answered */
  retired: boolean;
}

let current: Slot | undefined;
let rendered = 0;
let nextId = 0;

function startWorker(): Slot {
  const slot: Slot = { worker: new Worker(WORKER_URL), pending: new Map(), retired: false };
  slot.worker.on('message', (message: { id: number; png?: Uint8Array; error?: string }) => {
    const job = slot.pending.get(message.id);
    if (!job) return;
    slot.pending.delete(message.id);
    if (slot.pending.size === 0) {
      if (slot.retired) void slot.worker.terminate();
      else slot.worker.unref();
    }
    if (message.png) job.resolve(message.png);
    else job.reject(new Error(`rasterising a figure failed: ${message.error ?? 'unknown error'}`));
  });
  slot.worker.on('error', (error) => {
    for (const job of slot.pending.values()) job.reject(error);
    slot.pending.clear();
    if (current === slot) current = undefined;
  });
  slot.worker.unref();
  return slot;
}

/** Rasterise one SVG at `zoom` (dpi / 96); PNG bytes without the pHYs chunk. */
export function rasterize(svg: string, zoom: number): Promise<Uint8Array> {
  if (current === undefined || rendered >= RECYCLE_AFTER) {
    const old = current;
    current = startWorker();
    rendered = 0;
    if (old) {
      old.retired = true;
      if (old.pending.size === 0) void old.worker.terminate();
    }
  }
  rendered++;
  const slot = current;
  const id = nextId++;
  return new Promise<Uint8Array>((resolve, reject) => {
    slot.pending.set(id, { resolve, reject });
    slot.worker.ref();
    slot.worker.postMessage({ id, svg, zoom, fonts: { files: dejaVuFontFiles(), sans: FONT.sans, mono: FONT.mono } });
  });
}
