/**
 * A look inside an .xlsx workbook before it is parsed, in time and memory bounded by the limits:
 *
 * - Unzipped size: the zip's central directory is read and every entry is inflated with a budget
 *   (zlib's maxOutputLength), so a "zip bomb" (a few hundred KB that expand to gigabytes) is
 *   refused after at most `maxBytes` of output, whatever sizes the directory claims.
 * - The worksheet that will be read (`data.sheet`, else the first in workbook order) and its
 *   number of rows, so a sheet beyond the row limit is refused before it is parsed.
 * - Formula cells of that worksheet without a saved value (a workbook written by a program that
 *   does not calculate formulas): read-excel-file reads them as empty cells.
 *
 * Anything this reader does not understand (not a zip, an unusual layout) is left to
 * read-excel-file, which reports damaged workbooks itself (`unreadable`).
 */
import { inflateRawSync } from 'node:zlib';

export type XlsxInspection =
  | { status: 'ok'; sheets: string[]; sheet?: string; rows?: number; uncachedFormulas: string[] }
  | { status: 'too-large'; limit: number }
  | { status: 'unreadable' };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** more entries than this is not a workbook of data (they have 10–40) */
const MAX_ENTRIES = 10_000;

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function centralDirectory(zip: Buffer): Entry[] | undefined {
  // the end-of-central-directory record is in the last 64 KiB + 22 bytes
  const from = Math.max(0, zip.length - 65_557);
  let eocd = -1;
  for (let i = zip.length - 22; i >= from; i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff || count > MAX_ENTRIES) return undefined; // zip64: not a spreadsheet of data
  const entries: Entry[] = [];
  for (let n = 0; n < count; n++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL) return undefined;
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      size: zip.readUInt32LE(offset + 24),
      localOffset: zip.readUInt32LE(offset + 42),
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Inflate every entry within a total budget; undefined when the zip cannot be read this way. */
function unzipWithin(zip: Buffer, maxBytes: number): Map<string, Buffer> | 'too-large' | undefined {
  const entries = centralDirectory(zip);
  if (!entries) return undefined;
  // the sizes the directory declares: refused without inflating anything when they already exceed
  if (entries.reduce((total, entry) => total + entry.size, 0) > maxBytes) return 'too-large';
  const files = new Map<string, Buffer>();
  let total = 0;
  for (const entry of entries) {
    const at = entry.localOffset;
    if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL) return undefined;
    const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
    const data = zip.subarray(start, start + entry.compressedSize);
    const budget = maxBytes - total;
    let content: Buffer;
    if (entry.method === 0) content = data;
    else if (entry.method === 8) {
      try {
        // declared sizes can lie: the budget, not the declaration, bounds the output
        content = inflateRawSync(data, { maxOutputLength: Math.max(budget, 1) });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return 'too-large';
        return undefined;
      }
    } else return undefined;
    total += content.length;
    if (total > maxBytes) return 'too-large';
    files.set(entry.name, content);
  }
  return files;
}

const attribute = (tag: string, name: string): string | undefined => {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? decodeXml(match[1]!) : undefined;
};

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    switch (entity) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      case 'amp':
        return '&';
      default:
        return String.fromCodePoint(entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
    }
  });
}

/** Worksheet names in workbook order, each with the path of its XML part. */
function worksheets(files: Map<string, Buffer>): { name: string; path: string }[] | undefined {
  const workbook = files.get('xl/workbook.xml')?.toString('utf8');
  const rels = files.get('xl/_rels/workbook.xml.rels')?.toString('utf8');
  if (!workbook || !rels) return undefined;
  const targets = new Map<string, string>();
  for (const [tag] of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = attribute(tag, 'Id');
    const target = attribute(tag, 'Target');
    if (id && target) targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  const sheets: { name: string; path: string }[] = [];
  for (const [tag] of workbook.matchAll(/<sheet\b[^>]*>/g)) {
    const name = attribute(tag, 'name');
    const id = attribute(tag, 'r:id');
    const path = id ? targets.get(id) : undefined;
    if (name !== undefined && path) sheets.push({ name, path });
  }
  return sheets;
}

/** Rows of a worksheet and its formula cells that have no saved value (linear scans). */
function scanSheet(xml: string): { rows: number; uncachedFormulas: string[] } {
  let rows = 0;
  for (let at = xml.indexOf('<row'); at >= 0; at = xml.indexOf('<row', at + 4)) {
    const next = xml[at + 4];
    if (next === ' ' || next === '>' || next === '/') rows++;
  }
  const uncachedFormulas: string[] = [];
  for (const match of xml.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const body = match[2];
    if (body === undefined || !/<f\b/.test(body) || /<v[\s>/]/.test(body) || /<is\b/.test(body)) continue;
    const ref = attribute(match[1] ?? '', 'r');
    if (ref) uncachedFormulas.push(ref);
  }
  return { rows, uncachedFormulas };
}

export function inspectXlsx(bytes: Uint8Array, options: { maxBytes: number; sheet?: string }): XlsxInspection {
  const zip = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const files = unzipWithin(zip, options.maxBytes);
  if (files === 'too-large') return { status: 'too-large', limit: options.maxBytes };
  if (!files) return { status: 'unreadable' };
  const sheets = worksheets(files);
  if (!sheets || sheets.length === 0) return { status: 'unreadable' };
  const chosen = options.sheet === undefined ? sheets[0] : sheets.find((s) => s.name === options.sheet);
  const names = sheets.map((s) => s.name);
  if (!chosen) return { status: 'ok', sheets: names, uncachedFormulas: [] };
  const xml = files.get(chosen.path)?.toString('utf8');
  if (xml === undefined) return { status: 'ok', sheets: names, sheet: chosen.name, uncachedFormulas: [] };
  return { status: 'ok', sheets: names, sheet: chosen.name, ...scanSheet(xml) };
}
