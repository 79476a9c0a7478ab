/**
 * One child process of `npm run bench`'s GLMM rows: times fitBivariateGlmm on the seeded bench
 * data of one k (bench/simulate.ts), as bench/glmer.R times lme4::glmer: the first fit in this fresh
 * process ("cold": includes V8's compilation of the fitting code), then `warm` more fits. Only the
 * fit call is timed: wall clock (performance.now) and CPU of this process (process.cpuUsage).
 * Prints one JSON line: {"k","quadrature","cold":{wall,cpu},"warm":[{wall,cpu}...],"logLik","converged"}.
 *
 * Usage: node bin/run-ts.js bench/fit-timing.ts <k> <quadrature> <warm repeats> <seed>
 */
import { fitBivariateGlmm } from '../src/stats/glmm-bivariate.ts';
import { simulateStudies } from './simulate.ts';

const [k, quadrature, warm, seed] = process.argv.slice(2).map(Number) as [number, number, number, number];
const studies = simulateStudies(k, seed);
const time = () => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const fit = fitBivariateGlmm(studies, { quadrature });
  const used = process.cpuUsage(cpu);
  return { timing: { wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 }, fit };
};
const cold = time();
const warmTimings = Array.from({ length: warm }, () => time().timing);
console.log(JSON.stringify({ k, quadrature, cold: cold.timing, warm: warmTimings, logLik: cold.fit.logLik, converged: cold.fit.converged }));
