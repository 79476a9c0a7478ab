/**
 * Oversized inputs are refused quickly, in bounded memory, with a message that names the limit and
 * how to raise it (issue 14, item 10; limits in src/limits.ts and README.md "Limits"). Each input
 * is refused by a separate `metadx` process run under /usr/bin/time -v; its wall time and peak
 * RSS are printed (the issue measured before the fix: 50 MB CSV 77 s and 3.5 GB to validate, fit
 * past 90 s; a 455 KB xlsx zip bomb 70 s and 2 GB, then a stack overflow; 200,000 unknown YAML
 * keys minutes; a long label at 1200 dpi an 8000 × 55025 px PNG and 6.4 GB).
 *
 * Also: the spec stage is linear in the number of keys (the yaml package's duplicate-key check
 * and the position lookup were quadratic), measured in-process.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createDeflateRaw, crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/spec/load.ts';
import { root, scheidlerRows, csv, temporary } from '../helpers/versions.ts';

const bin = join(root, 'bin', 'metadx.js');

interface Measured {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakMiB: number;
}

/** Run metadx under /usr/bin/time -v; wall time and peak RSS of the metadx process. */
function measure(label: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Measured {
  const run = spawnSync('/usr/bin/time', ['-v', process.execPath, bin, ...args], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, SOURCE_DATE_EPOCH: '1705276800', ...env }, maxBuffer: 1 << 26 });
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(run.stderr);
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : Number.NaN;
  const peakMiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1]) / 1024;
  const stderr = run.stderr.split('\n\tCommand being timed:')[0]!;
  console.log(`limits: ${label}: exit ${run.status}, ${seconds.toFixed(2)} s wall, peak RSS ${peakMiB.toFixed(0)} MiB`);
  return { status: run.status, stdout: run.stdout, stderr, seconds, peakMiB };
}

/** A stored zip of `entries` whose one deflated entry `big` expands to `size` bytes of `fill`. */
async function zipBomb(path: string, size: number, options: { lie: boolean }): Promise<void> {
  const parts: { name: string; data: Buffer; size: number; crc: number; method: number }[] = [];
  const small = (name: string, text: string) => parts.push({ name, data: Buffer.from(text), size: Buffer.byteLength(text), crc: crc32(text), method: 0 });
  small('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>');
  small('_rels/.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>');
  small('xl/workbook.xml', '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="extraction" sheetId="1" r:id="rId1"/></sheets></workbook>');
  small('xl/_rels/workbook.xml.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>');
  // the worksheet: a header row, then one row repeated (rows nest nothing, so this is a "flat" bomb)
  const head = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
  const row = '<row><c t="inlineStr"><is><t>S</t></is></c><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c><c><v>4</v></c></row>';
  const tail = '</sheetData></worksheet>';
  const deflate = createDeflateRaw({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => deflate.on('end', () => resolve()));
  const block = Buffer.from(row.repeat(Math.floor((1 << 20) / row.length)));
  let written = 0;
  let crc = crc32(head);
  deflate.write(head);
  written += head.length;
  while (written + block.length + tail.length <= size) {
    crc = crc32(block, crc);
    if (!deflate.write(block)) await new Promise((resolve) => deflate.once('drain', resolve));
    written += block.length;
  }
  crc = crc32(tail, crc);
  deflate.end(tail);
  written += tail.length;
  await done;
  parts.push({ name: 'xl/worksheets/sheet1.xml', data: Buffer.concat(chunks), size: options.lie ? 1000 : written, crc, method: 8 });

  const fd = openSync(path, 'w');
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(part.method, 8);
    local.writeUInt32LE(part.crc, 14);
    local.writeUInt32LE(part.data.length, 18);
    local.writeUInt32LE(part.size, 22);
    local.writeUInt16LE(name.length, 26);
    writeSync(fd, local);
    writeSync(fd, name);
    writeSync(fd, part.data);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(part.method, 10);
    entry.writeUInt32LE(part.crc, 16);
    entry.writeUInt32LE(part.data.length, 20);
    entry.writeUInt32LE(part.size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += 30 + name.length + part.data.length;
  }
  const directory = Buffer.concat(central);
  writeSync(fd, directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  writeSync(fd, end);
  closeSync(fd);
}

const spec = (file: string, extra = '') => `title: Limits\nversion: 1\ndate: 2024-01-01\ndata:\n  file: ${file}\n${extra}`;

describe('oversized inputs are refused quickly, in bounded memory', () => {
  it('a 50 MB CSV: validate and fit refuse it before reading it', () => {
    const work = temporary('limits-csv');
    mkdirSync(join(work, 'a'));
    writeFileSync(join(work, 'a', 'analysis.yaml'), spec('data.csv'));
    const fd = openSync(join(work, 'a', 'data.csv'), 'w');
    writeSync(fd, 'study,tp,fp,fn,tn\n');
    const block = Array.from({ length: 10_000 }, (_, i) => `Study ${i},45,5,5,45`).join('\n') + '\n';
    for (let size = 0; size < 50 * 1024 * 1024; size += block.length) writeSync(fd, block);
    closeSync(fd);
    const validate = measure('50 MB CSV, validate', ['validate', 'a'], work);
    expect(validate.status).toBe(1);
    expect(validate.stderr).toMatch(/^a\/analysis\.yaml:5:9: error: the data file a\/data\.csv is 52,\d{3},\d{3} bytes, more than the limit of 10,000,000 bytes; it was not read\n {4}check that the spec names the right file \(one row per 2x2 table\); if it is right, raise the limit for this run: METADX_MAX_DATA_BYTES=\d+ \(see "Limits" in README\.md\)\n/);
    expect(validate.seconds).toBeLessThan(60);
    expect(validate.peakMiB).toBeLessThan(400);
    const fit = measure('50 MB CSV, fit', ['fit', 'a/data.csv'], work);
    expect(fit.status).toBe(1);
    expect(fit.stderr).toContain('error: the data file a/data.csv is 52,');
    expect(fit.stderr).toContain('METADX_MAX_DATA_BYTES=');
    expect(fit.seconds).toBeLessThan(60);
    expect(fit.peakMiB).toBeLessThan(400);
  }, 300_000);

  it('rows beyond the limit in a file under the size limit: refused after reading at most limit + 1 rows', () => {
    const work = temporary('limits-rows');
    mkdirSync(join(work, 'a'));
    writeFileSync(join(work, 'a', 'analysis.yaml'), spec('data.csv'));
    // 500,000 short rows: 8.4 MB, under the size limit
    const rows = Array.from({ length: 500_000 }, (_, i) => `S${i},45,5,5,45`).join('\n');
    writeFileSync(join(work, 'a', 'data.csv'), `study,tp,fp,fn,tn\n${rows}\n`);
    const run = measure('500,000-row CSV (8.4 MB), validate', ['validate', 'a'], work);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^a\/data\.csv:5002: error: the file has more than 5,000 data rows \(the limit\); it was not read further\n {4}.*METADX_MAX_ROWS=20000/);
    expect(run.seconds).toBeLessThan(60);
    expect(run.peakMiB).toBeLessThan(600);
  }, 300_000);

  it.each([
    ['honest', false],
    ['lying (its directory declares 1,000 bytes)', true],
  ])('an xlsx zip bomb (%s): refused before it expands beyond the limit', async (label, lie) => {
    const work = temporary('limits-bomb');
    mkdirSync(join(work, 'a'));
    writeFileSync(join(work, 'a', 'analysis.yaml'), spec('extraction.xlsx'));
    await zipBomb(join(work, 'a', 'extraction.xlsx'), 500 * 1024 * 1024, { lie });
    const run = measure(`xlsx zip bomb (500 MB unzipped), ${label}, validate`, ['validate', 'a'], work);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^a\/extraction\.xlsx: error: the workbook expands to more than 50,000,000 bytes when unzipped \(the limit; it is [\d,]+ bytes on disk\); it was not unzipped further\n {4}a data extraction workbook is far smaller: .*METADX_MAX_XLSX_BYTES=200000000/);
    expect(run.seconds).toBeLessThan(60);
    expect(run.peakMiB).toBeLessThan(600);
  }, 300_000);

  it('200,000 unknown YAML keys: refused by the spec size limit at once', () => {
    const work = temporary('limits-yaml');
    mkdirSync(join(work, 'a'));
    writeFileSync(join(work, 'a', 'data.csv'), csv(scheidlerRows()));
    writeFileSync(join(work, 'a', 'analysis.yaml'), spec('data.csv', Array.from({ length: 200_000 }, (_, i) => `unknown_key_${i}: ${i}\n`).join('')));
    const run = measure('200,000 unknown YAML keys (4.5 MB spec), validate', ['validate', 'a'], work);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^a\/analysis\.yaml: error: the spec is [\d,]+ bytes, more than the limit of 1,000,000 bytes; it was not read\n/);
    expect(run.seconds).toBeLessThan(60);
    expect(run.peakMiB).toBeLessThan(400);
    // raised limit: every key is read, the first 100 described and the rest counted, in linear time
    const raised = measure('200,000 unknown YAML keys, METADX_MAX_SPEC_BYTES raised, validate', ['validate', 'a'], work, { METADX_MAX_SPEC_BYTES: '10000000' });
    expect(raised.status).toBe(1);
    expect(raised.stderr).toContain('a/analysis.yaml:6:1: error: unknown key "unknown_key_0"');
    expect(raised.stderr).toContain('error: and 199,900 more problems in this file, from here on (not shown)');
    expect(raised.seconds).toBeLessThan(120);
  }, 400_000);

  it('a very long study label at 1200 dpi: the PNG is refused before it is rasterised', () => {
    const work = temporary('limits-png');
    mkdirSync(join(work, 'a'));
    const rows = scheidlerRows();
    rows[0]![0] = `${'Very long study label '.repeat(400)}1970`;
    writeFileSync(join(work, 'a', 'data.csv'), csv(rows));
    writeFileSync(join(work, 'a', 'analysis.yaml'), spec('data.csv', 'figures: [forest]\noutput: {dpi: 1200}\nsensitivity: {leave_one_out: false}\n'));
    const run = measure('a 8,400-character label at 1200 dpi, report', ['report', 'a', '--no-pdf', '--quiet', '--out', 'out'], work);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^a\/analysis\.yaml: error: figure forest(?:-\d+)? would be a PNG of [\d,]+ × [\d,]+ pixels at 1200 dpi \([\d,]+ megapixels\), more than the limit of 100 megapixels \(100,000,000 pixels\)\n {4}lower output\.dpi in analysis\.yaml .*METADX_MAX_PNG_PIXELS=\d+/);
    expect(run.seconds).toBeLessThan(120);
    expect(run.peakMiB).toBeLessThan(1500);
  }, 300_000);
});

describe('the spec stage is linear in the number of keys', () => {
  const time = (n: number): number => {
    const text = spec('data.csv', Array.from({ length: n }, (_, i) => `unknown_key_${i}: ${i}\n`).join(''));
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      loadSpec(text, 'a.yaml');
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };

  it('doubling the keys (20,000 → 40,000) at most about doubles the time (quadratic: × 4)', () => {
    time(2_000); // warm up
    const single = time(20_000);
    const double = time(40_000);
    console.log(`limits: loadSpec with 20,000 / 40,000 unknown keys: ${single.toFixed(0)} / ${double.toFixed(0)} ms`);
    expect(double / single).toBeLessThan(3);
  }, 300_000);
});
