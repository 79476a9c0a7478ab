/** Helpers for walking the reference JSON (tests/reference/README.md) in the stats tests. */

/** Every object in the reference JSON that carries pooled logits and a vcov: [path, block]. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function engineBlocks(obj: any, path = ''): [string, any][] {
  if (obj === null || typeof obj !== 'object') return [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const here: [string, any][] =
    typeof obj.mu_logit_sens === 'number' && typeof obj.se_logit_sens === 'number' && typeof obj.cov_mu_sens_spec === 'number'
      ? [[path, obj]]
      : [];
  return [...here, ...Object.entries(obj).flatMap(([k, v]) => engineBlocks(v, path ? `${path}.${k}` : k))];
}
