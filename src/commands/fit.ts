/**
 * `metadx fit DATA.csv`: fit the bivariate model to one data file; print a summary or one JSON
 * object. The settings and their defaults are those of a spec's `model:` section
 * (ModelSettingsSchema), mapped to the engine by the same function as `metadx report`
 * (modelOptions), so `fit --method reitsma` and `model: {method: reitsma}` give the same answer.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, suggestedLimit, type Limits } from '../limits.ts';
import { limitMessages, specMessages } from '../messages.ts';
import { printDiagnostics, type CliIo } from './common.ts';
import { defaultNodePlacement } from '../stats/glmm-node-placement.ts';

export const FIT_USAGE = 'usage: metadx fit DATA.csv [--method glmm|reitsma] [--quadrature N] [--nodes upper|lower] [--correction single|all|none] [--region F|chi2] [--covariate NAME] [--group COLUMN [--structure independent|shared|nested]] [--label COLUMN|TEMPLATE] [--sheet NAME] [--json]';

export async function commandFit(
  targets: string[],
  values: { json?: boolean; method?: string; quadrature?: string; nodes?: string; correction?: string; region?: string; covariate?: string; group?: string; structure?: string; label?: string; sheet?: string; limits?: Limits },
  io: CliIo,
): Promise<number> {
  const usage = (message: string): number => {
    io.err(`error: ${message}\n${FIT_USAGE}`);
    return 2;
  };
  if (targets.length !== 1) return usage('give exactly one data file');
  if (values.method !== undefined && values.method !== 'glmm' && values.method !== 'reitsma') return usage(`--method must be glmm or reitsma, not "${values.method}"`);
  const quadrature = values.quadrature === undefined ? undefined : Number(values.quadrature);
  if (quadrature !== undefined && (!Number.isInteger(quadrature) || quadrature < 1 || quadrature > 41)) return usage(`--quadrature must be a whole number from 1 to 41, not "${values.quadrature}"`);
  if (values.nodes !== undefined && values.nodes !== 'upper' && values.nodes !== 'lower') return usage(`--nodes must be upper or lower, not "${values.nodes}"`);
  if (values.correction !== undefined && values.correction !== 'single' && values.correction !== 'all' && values.correction !== 'none') return usage(`--correction must be single, all or none, not "${values.correction}"`);
  if (values.region !== undefined && values.region !== 'F' && values.region !== 'chi2') return usage(`--region must be F or chi2, not "${values.region}"`);
  const { ModelSettingsSchema } = await import('../spec/schema.ts');
  // the defaults of a spec's model: section, for every setting not given
  const model = ModelSettingsSchema.parse({
    ...(values.method !== undefined ? { method: values.method } : {}),
    ...(quadrature !== undefined ? { quadrature } : {}),
    ...(values.nodes !== undefined ? { nodes: values.nodes } : {}),
    ...(values.correction !== undefined ? { correction: values.correction } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
  });
  const structure = values.structure ?? (values.group !== undefined && model.method === 'glmm' ? 'nested' : 'independent');
  if (structure !== 'independent' && structure !== 'shared' && structure !== 'nested') return usage(`--structure must be independent, shared or nested, not "${structure}"`);
  if (structure !== 'independent' && values.group === undefined) return usage(`--structure ${structure} groups the tables by study: give the study column with --group COLUMN`);
  if (structure !== 'independent' && model.method !== 'glmm') return usage(`--structure ${structure} needs --method glmm (the Reitsma model has no grouped version here)`);
  const label = values.label === undefined ? undefined : values.label.includes('{') ? values.label : `{${values.label}}`;
  const limits = values.limits ?? DEFAULT_LIMITS;
  const file = targets[0]!;
  const path = resolve(io.cwd, file);
  const fail = (diagnostic: Omit<Diagnostic, 'severity' | 'file'>): number => {
    io.err(formatDiagnostic({ severity: 'error', file, ...diagnostic }));
    return 1;
  };
  if (!existsSync(path)) return fail({ code: 'data.not-found', message: specMessages.fileMissing('data', file), hint: specMessages.fitFileHint() });
  // a folder, a named pipe or a device is refused before it is opened (reading would fail or block)
  const stat = statSync(path);
  if (!stat.isFile()) {
    const { fileKind } = await import('../spec/load.ts');
    return fail({ code: 'data.not-a-file', message: specMessages.specNotRegular(file, fileKind(stat)), hint: specMessages.fitFileHint() });
  }
  if (stat.size > limits.dataBytes) {
    return fail({ code: 'limit.data-bytes', message: limitMessages.fileTooLarge(`data file ${file}`, stat.size, limits.dataBytes), hint: limitMessages.fileTooLargeHint('data', LIMIT_VARIABLES.dataBytes, suggestedLimit(stat.size)) });
  }
  const [{ unusedModelSettings }, { loadStudyData }, { runFit, fitToText }, { modelOptions }] = await Promise.all([
    import('../spec/model-settings.ts'),
    import('../data/load.ts'),
    import('../fit.ts'),
    import('../results/analyze.ts'),
  ]);
  const given = { quadrature: values.quadrature, correction: values.correction, region: values.region } as Record<string, string | undefined>;
  for (const setting of unusedModelSettings(model.method, (key) => given[key] !== undefined)) {
    io.err(formatDiagnostic({ severity: 'warning', code: 'fit.unused-setting', message: specMessages.unusedSetting(`--${setting}`, model.method), hint: specMessages.unusedSettingHint(`--${setting}`).replace('(method: glmm)', '(--method glmm)') }));
  }
  const loaded = await loadStudyData(readFileSync(path), { file, spec: { data: { file, ...(values.group !== undefined ? { group: values.group } : {}), ...(label !== undefined ? { label } : {}) }, covariates: {}, subgroups: [] }, limits, ...(values.sheet !== undefined ? { sheet: values.sheet } : {}) });
  printDiagnostics(loaded.diagnostics, io);
  if (!loaded.data) return 1;
  const covariate = values.covariate;
  if (covariate !== undefined && !loaded.data.covariates.some((c) => c.name === covariate.toLowerCase())) {
    const { closest } = await import('../suggest.ts');
    const suggestion = closest(covariate, loaded.data.covariates.map((c) => c.name));
    return usage(`--covariate: ${file} has no column "${covariate}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
  }
  const fit = runFit(loaded.data, { ...modelOptions(model), structure }, covariate?.toLowerCase());
  io.out(values.json ? JSON.stringify(fit, null, 2) : fitToText(fit, file));
  return 0;
}
