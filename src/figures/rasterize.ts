/**
 * SVG → PNG with resvg, off the main thread: a small pool of worker threads (at most
 * RASTER_WORKERS, one job in flight each; further jobs wait in a queue here), so the main thread
 * goes on laying out figures, writing the document and printing the PDF while PNGs are drawn.
 *
 * resvg-js 2.6.2 keeps about 20–30 MB of native memory per rendered figure that garbage collection
 * never returns (upstream issue thx/resvg-js#216); a 2,000-study report with ~140 figures then
 * reached 4 GB. Memory of a terminated worker is returned to the allocator and reused, so each
 * worker is replaced after RECYCLE_AFTER figures, which bounds the process at roughly
 * RASTER_WORKERS × RECYCLE_AFTER figures' worth. Idle workers are unref'd, so they never keep the
 * process alive. Output bytes are identical to in-process rendering (same library, same options;
 * each job is independent of the others), whichever worker draws a figure.
 *
 * resvg reads a font file whole each time it needs a glyph, so figures whose text the lean copies
 * of the fonts cover are drawn with those (src/figures/lean-fonts.ts: the same PNG bytes, about a
 * third of the data to read); any other figure with the full fonts.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FONT } from './theme.ts';
import { leanFontFiles, svgUsesLeanCharacters } from './lean-fonts.ts';
import { dejaVuFontFiles } from './text-metrics.ts';

const RECYCLE_AFTER = 6;
/** two workers: the main thread and Chromium need the rest of a small machine */
export const RASTER_WORKERS = Math.max(1, Math.min(2, availableParallelism()));
const WORKER_URL = new URL('./rasterize-worker.mjs', import.meta.url);

interface Job {
  id: number;
  svg: string;
  zoom: number;
  /** the TTFs to draw it with: the lean copies when they cover its text, else the full fonts */
  fonts: string[];
  resolve: (png: Uint8Array) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** the job being drawn, if any */
  job: Job | undefined;
  /** figures given to this worker so far */
  rendered: number;
}

const queue: Job[] = [];
const slots: (Slot | undefined)[] = Array.from({ length: RASTER_WORKERS }, () => undefined);
let nextId = 0;

function startWorker(index: number): Slot {
  const slot: Slot = { worker: new Worker(WORKER_URL), job: undefined, rendered: 0 };
  slot.worker.on('message', (message: { id: number; png?: Uint8Array; error?: string }) => {
    const job = slot.job;
    if (!job || job.id !== message.id) return;
    slot.job = undefined;
    if (message.png) job.resolve(message.png);
    else job.reject(new Error(`rasterising a figure failed: ${message.error ?? 'unknown error'}`));
    if (slot.rendered >= RECYCLE_AFTER) {
      // replaced: its memory goes back to the allocator
      if (slots[index] === slot) slots[index] = undefined;
      void slot.worker.terminate();
    } else slot.worker.unref();
    dispatch();
  });
  slot.worker.on('error', (error) => {
    if (slots[index] === slot) slots[index] = undefined;
    const job = slot.job;
    slot.job = undefined;
    job?.reject(error);
    dispatch();
  });
  slot.worker.on('exit', () => {
    if (slots[index] === slot) slots[index] = undefined;
    const job = slot.job;
    slot.job = undefined;
    if (job) {
      job.reject(new Error('rasterising a figure failed: the worker stopped'));
      dispatch();
    }
  });
  slot.worker.unref();
  return slot;
}

/** Give queued jobs to idle workers (starting workers as needed). */
function dispatch(): void {
  for (let index = 0; index < slots.length && queue.length > 0; index++) {
    let slot = slots[index];
    if (slot?.job) continue;
    if (!slot) {
      slot = startWorker(index);
      slots[index] = slot;
    }
    const job = queue.shift()!;
    slot.job = job;
    slot.rendered++;
    slot.worker.ref();
    slot.worker.postMessage({ id: job.id, svg: job.svg, zoom: job.zoom, fonts: { files: job.fonts, full: dejaVuFontFiles(), sans: FONT.sans, mono: FONT.mono } });
  }
}

/** The TTFs to draw `svg` with: the lean copies when they cover all its characters, else the full fonts. */
export function fontFilesFor(svg: string): string[] {
  const lean = leanFontFiles();
  return lean && svgUsesLeanCharacters(svg, lean.characters) ? lean.files : dejaVuFontFiles();
}

/** Rasterise one SVG at `zoom` (dpi / 96); PNG bytes without the pHYs chunk. */
export function rasterize(svg: string, zoom: number): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    queue.push({ id: nextId++, svg, zoom, fonts: fontFilesFor(svg), resolve, reject });
    dispatch();
  });
}
