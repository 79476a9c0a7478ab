/**
 * Model settings that the chosen model does not use. One set of defaults serves every entry point
 * (ModelSettingsSchema in src/spec/schema.ts, mapped by modelOptions in src/results/analyze.ts);
 * a setting the user wrote that the chosen method ignores is a warning, not silently dropped.
 *
 * - quadrature: the number of adaptive Gauss–Hermite points of the GLMM likelihood; the Reitsma
 *   model is a normal approximation fitted by REML and integrates nothing.
 * Every other setting is used by both methods (the continuity correction also shapes study-level
 * logits, Deeks' test and the bivariate box plot under the GLMM).
 */
import type { ModelSettings } from './schema.ts';

export function unusedModelSettings(method: ModelSettings['method'], written: (key: keyof ModelSettings) => boolean): (keyof ModelSettings)[] {
  return method === 'reitsma' && written('quadrature') ? ['quadrature'] : [];
}
