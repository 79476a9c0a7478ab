/** `metadx fit DATA.csv`: fit the bivariate model to one data file; print a summary or one JSON object. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDiagnostic } from '../diagnostics.ts';
import { specMessages } from '../messages.ts';
import { printDiagnostics, type CliIo } from './common.ts';

export const FIT_USAGE = 'usage: metadx fit DATA.csv [--method glmm|reitsma] [--quadrature N] [--correction single|all|none] [--covariate NAME] [--group COLUMN [--structure independent|shared|nested]] [--label COLUMN|TEMPLATE] [--json]';

export async function commandFit(
  targets: string[],
  values: { json?: boolean; method?: string; quadrature?: string; correction?: string; region?: string; covariate?: string; group?: string; structure?: string; label?: string },
  io: CliIo,
): Promise<number> {
  const usage = (message: string): number => {
    io.err(`error: ${message}\n${FIT_USAGE}`);
    return 2;
  };
  if (targets.length !== 1) return usage('give exactly one data file');
  const method = values.method ?? 'glmm';
  if (method !== 'glmm' && method !== 'reitsma') return usage(`--method must be glmm or reitsma, not "${method}"`);
  const quadrature = Number(values.quadrature ?? '7');
  if (!Number.isInteger(quadrature) || quadrature < 1 || quadrature > 41) return usage(`--quadrature must be a whole number from 1 to 41, not "${values.quadrature}"`);
  const correction = values.correction ?? (method === 'reitsma' ? 'all' : 'single');
  if (correction !== 'single' && correction !== 'all' && correction !== 'none') return usage(`--correction must be single, all or none, not "${correction}"`);
  const region = values.region ?? 'F';
  if (region !== 'F' && region !== 'chi2') return usage(`--region must be F or chi2, not "${region}"`);
  const structure = values.structure ?? (values.group !== undefined && method === 'glmm' ? 'nested' : 'independent');
  if (structure !== 'independent' && structure !== 'shared' && structure !== 'nested') return usage(`--structure must be independent, shared or nested, not "${structure}"`);
  if (structure !== 'independent' && values.group === undefined) return usage(`--structure ${structure} groups the tables by study: give the study column with --group COLUMN`);
  if (structure !== 'independent' && method !== 'glmm') return usage(`--structure ${structure} needs --method glmm (the Reitsma model has no grouped version here)`);
  const label = values.label === undefined ? undefined : values.label.includes('{') ? values.label : `{${values.label}}`;
  const { loadStudyData } = await import('../data/load.ts');
  const { runFit, fitToText } = await import('../fit.ts');
  const file = targets[0]!;
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) {
    io.err(formatDiagnostic({ severity: 'error', code: 'data.not-found', message: specMessages.fileMissing('data', file), file }));
    return 1;
  }
  const loaded = await loadStudyData(readFileSync(path), { file, spec: { data: { file, ...(values.group !== undefined ? { group: values.group } : {}), ...(label !== undefined ? { label } : {}) }, covariates: {}, subgroups: [] } });
  printDiagnostics(loaded.diagnostics, io);
  if (!loaded.data) return 1;
  const covariate = values.covariate;
  if (covariate !== undefined && !loaded.data.covariates.some((c) => c.name === covariate.toLowerCase())) {
    const { closest } = await import('../suggest.ts');
    const suggestion = closest(covariate, loaded.data.covariates.map((c) => c.name));
    return usage(`--covariate: ${file} has no column "${covariate}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
  }
  const fit = runFit(loaded.data, {
    method,
    quadrature,
    correction,
    correctionValue: 0.5,
    region,
    level: 0.95,
    aucCi: 'delta',
    bootstrap: 1000,
    seed: 20231201,
    structure,
  }, covariate?.toLowerCase());
  io.out(values.json ? JSON.stringify(fit, null, 2) : fitToText(fit, file));
  return 0;
}
