/**
 * Log binomial coefficient ln C(n, y) = ln Γ(n+1) − ln Γ(y+1) − ln Γ(n−y+1), the constant of the
 * binomial log-likelihood (included in GLMM logLik so it is comparable with R glmer / Stata).
 * ln Γ by the Lanczos approximation (g = 7, 9 terms; Lanczos 1964, doi:10.1137/0701008), relative
 * error ~1e-15 for x > 0; reflection for x < 0.5. Non-integer counts are allowed (continuous
 * extension). Example: logChoose(10, 3) = ln 120 ≈ 4.787491742782046.
 */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let j = 1; j < 9; j++) sum += (LANCZOS[j] as number) / (z + j);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln C(n, y) = ln Γ(n+1) − ln Γ(y+1) − ln Γ(n−y+1). */
export function logChoose(n: number, y: number): number {
  return logGamma(n + 1) - logGamma(y + 1) - logGamma(n - y + 1);
}
