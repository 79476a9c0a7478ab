/**
 * AIC and BIC of the Reitsma model (REML) as metafor reports them: fitstats() of rma.mv on the same
 * corrected data (tests/fixtures-r/reitsma-fitstats.R → reitsma-fitstats.json), for every
 * reference data set; and the report's fit statistics carry them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fitReitsma } from '../../src/stats/reitsma.ts';
import { poolStudies, remlFitStatistics } from '../../src/results/pooled.ts';
import { expectClose, referenceRows } from '../helpers/reference.ts';

const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures-r', 'reitsma-fitstats.json'), 'utf8')) as {
  datasets: Record<string, { k: number; REML: { logLik: number; AIC: number; BIC: number } }>;
};
/** metafor's REML optimum agrees with metadx's to ~1e-9 in the log-likelihood (tests/stats/reitsma.test.ts) */
const FIT = { name: 'log-likelihood, AIC, BIC (1e-6 absolute)', abs: 1e-6 };

describe('Reitsma fit statistics against metafor::fitstats (REML)', () => {
  it.each(Object.keys(fixture.datasets))('%s', (name) => {
    const expected = fixture.datasets[name]!.REML;
    const got = remlFitStatistics(fitReitsma(referenceRows(name)));
    expectClose(`${name} REML logLik`, got.logLik, expected.logLik, FIT);
    expectClose(`${name} AIC`, got.aic!, expected.AIC, FIT);
    expectClose(`${name} BIC`, got.bic!, expected.BIC, FIT);
    expect(got.nObservations).toBe(2 * fixture.datasets[name]!.k);
  });

  it('pooled Reitsma results report them (results.json, fit --json, the parameter table)', () => {
    const rows = referenceRows('catheter');
    const pooled = poolStudies(rows, { method: 'reitsma', quadrature: 7, correction: 'all', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 200, seed: 1 });
    expect(pooled.fitStatistics?.estimation).toBe('REML');
    expectClose('catheter AIC via poolStudies', pooled.fitStatistics!.aic!, fixture.datasets.catheter!.REML.AIC, FIT);
    expectClose('catheter BIC via poolStudies', pooled.fitStatistics!.bic!, fixture.datasets.catheter!.REML.BIC, FIT);
  });
});
