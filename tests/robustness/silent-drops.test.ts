/**
 * Nothing asked for is silently dropped (issue 14, items 1, 2 and 5): the refusals are in the
 * bad-input corpus (spec-exclude-unknown-label, spec-exclude-everything, data-short-row-covariates,
 * data-look-alike-labels, data-count-notation); here, that what is accepted is also honoured.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/results/analyze.ts';
import { loadAnalysis } from '../../src/run.ts';
import { corpusRoot } from './corpus-runner.ts';

describe('sensitivity.exclude', () => {
  it('honours a label typed in another Unicode form (decomposed ü): the table is left out', async () => {
    const loaded = await loadAnalysis(join(corpusRoot, 'ok-exclude-nfd-label'), corpusRoot);
    expect(loaded.spec.sensitivity.exclude).toEqual(['Müller 2020'.normalize('NFC')]);
    const results = analyze(loaded.spec, loaded.data, 'x');
    const refit = results.influence.sensitivity.find((s) => s.reason === 'spec');
    expect(refit?.excluded).toEqual([0]);
    expect(results.studies[0]!.label).toBe('Müller 2020'.normalize('NFC'));
  });
});
