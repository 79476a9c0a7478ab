/**
 * `metadx init [FOLDER]`: an analysis folder (spec with the $schema line, a MetaDTA-layout data
 * template with example rows labelled as simulated, a README) that validates and reports as it is;
 * existing files are never overwritten.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_TEMPLATE, schemaReference } from '../../src/commands/init.ts';
import { root, runCli, temporary } from '../helpers/versions.ts';

const env = () => ({ SOURCE_DATE_EPOCH: '1705276800', XDG_CACHE_HOME: temporary('init-secret') });

describe('metadx init', () => {
  it('writes a folder that validates and reports as it is, with the simulated-data banner', async () => {
    const work = temporary('init');
    const e = env();
    const init = await runCli(['init', 'my-review'], work, e);
    expect(init.code, init.err).toBe(0);
    expect(init.out.split('\n')[0]).toBe('wrote my-review: analysis.yaml, data/studies.csv, README.md');
    const spec = readFileSync(join(work, 'my-review', 'analysis.yaml'), 'utf8');
    // outside the metadx installation: the installed schema by its absolute path
    expect(spec.split('\n')[0]).toBe(`# yaml-language-server: $schema=${join(root, 'schema', 'analysis.schema.json')}`);
    expect(existsSync(join(root, 'schema', 'analysis.schema.json'))).toBe(true);
    expect(readFileSync(join(work, 'my-review', 'data', 'studies.csv'), 'utf8').split('\n')[0]).toBe('author,year,TP,FN,FP,TN');
    expect(readFileSync(join(work, 'my-review', 'README.md'), 'utf8')).toContain('invented example data');

    const validate = await runCli(['validate', 'my-review'], work, e);
    expect(validate.code, validate.err).toBe(0);
    expect(validate.err).toBe('');
    expect(validate.out).toBe('ok: my-review (8 studies)');

    const report = await runCli(['report', 'my-review', '--no-pdf'], work, e);
    expect(report.code, report.err).toBe(0);
    expect(report.err).toBe('');
    const html = readFileSync(join(work, 'out', 'my-review', '1', 'supplement.html'), 'utf8');
    expect(html).toContain('SIMULATED DATA: the 2x2 counts of this analysis are simulated');
    expect(html).toContain('Example data written by metadx init: invented 2x2 tables, not taken from any study.');
    expect(html).toContain('Example A 2012'); // MetaDTA layout: author + year make the label
    const results = JSON.parse(readFileSync(join(work, 'out', 'my-review', '1', 'results.json'), 'utf8'));
    expect(results.provenance.status).toBe('simulated');
    expect(results.k).toBe(8);
    // the example data fit the bivariate model away from its boundaries (no bootstrap, no boundary notes)
    expect(results.pooled.model.method).toBe('glmm');
    expect(results.pooled.model.converged).toBe(true);
    expect(results.pooled.rho).toBeGreaterThan(-0.95);
    expect(results.pooled.auc.method).toContain('delta method');
  }, 600_000);

  it('never overwrites: any existing file stops it before anything is written', async () => {
    const work = temporary('init-exists');
    mkdirSync(join(work, 'review'));
    writeFileSync(join(work, 'review', 'README.md'), 'my notes\n');
    const init = await runCli(['init', 'review'], work, env());
    expect(init.code).toBe(1);
    expect(init.err).toBe('error: not written: review/README.md already exists; metadx init never overwrites files\n    give a new folder (metadx init FOLDER), or move the existing files away');
    expect(readFileSync(join(work, 'review', 'README.md'), 'utf8')).toBe('my notes\n');
    expect(existsSync(join(work, 'review', 'analysis.yaml'))).toBe(false);
    expect(existsSync(join(work, 'review', 'data'))).toBe(false);

    // the current folder by default; a second run refuses all three
    const here = temporary('init-here');
    expect((await runCli(['init'], here, env())).code).toBe(0);
    const again = await runCli(['init'], here, env());
    expect(again.code).toBe(1);
    expect(again.err).toContain('not written: analysis.yaml, data/studies.csv, README.md already exist');
    expect(readFileSync(join(here, 'data', 'studies.csv'), 'utf8')).toBe(DATA_TEMPLATE);
  });

  it('a folder name that cannot name an output folder gets a name: line; a file is not a folder', async () => {
    const work = temporary('init-name');
    expect((await runCli(['init', 'My review (2024)'], work, env())).code).toBe(0);
    expect(readFileSync(join(work, 'My review (2024)', 'analysis.yaml'), 'utf8')).toContain('\nname: My-review-2024\n');
    const validate = await runCli(['validate', 'My review (2024)'], work, env());
    expect(validate.code, validate.err).toBe(0);
    writeFileSync(join(work, 'file'), '');
    const file = await runCli(['init', 'file'], work, env());
    expect(file.code).toBe(1);
    expect(file.err).toBe('error: file exists and is not a folder');
  });

  it('$schema: relative inside the metadx installation (as the shipped analyses), absolute outside', () => {
    expect(schemaReference(join(root, 'analyses', 'new-review'), root)).toBe('../../schema/analysis.schema.json');
    expect(readFileSync(join(root, 'analyses', 'scheidler-lymphangiography', 'analysis.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/analysis.schema.json');
    expect(schemaReference('/elsewhere/review', root)).toBe(join(root, 'schema', 'analysis.schema.json'));
  });
});
