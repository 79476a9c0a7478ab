/**
 * Every work the supplement can cite: methods, reporting guidelines, and the software whose
 * behaviour it describes or was checked against. Texts cite them as `[@key]` (or `[@a; @b]`);
 * only what a document actually cites is listed and numbered (src/document/references.ts).
 * Authors in Vancouver form ("Reitsma JB"); DOIs without the https://doi.org/ prefix.
 */

export interface Reference {
  key: string;
  type: 'article' | 'book' | 'software' | 'report';
  authors: string[];
  title: string;
  year: number;
  journal?: string;
  volume?: string;
  issue?: string;
  pages?: string;
  doi?: string;
  url?: string;
  /** software: version and where it is distributed */
  version?: string;
  publisher?: string;
  note?: string;
}

export const REFERENCES: readonly Reference[] = [
  // ── bivariate and hierarchical models ────────────────────────────────────────────────────────
  { key: 'chu2006', type: 'article', authors: ['Chu H', 'Cole SR'], title: 'Bivariate meta-analysis of sensitivity and specificity with sparse data: a generalized linear mixed model approach', journal: 'J Clin Epidemiol', year: 2006, volume: '59', issue: '12', pages: '1331–1332', doi: '10.1016/j.jclinepi.2006.06.011' },
  { key: 'reitsma2005', type: 'article', authors: ['Reitsma JB', 'Glas AS', 'Rutjes AWS', 'Scholten RJPM', 'Bossuyt PM', 'Zwinderman AH'], title: 'Bivariate analysis of sensitivity and specificity produces informative summary measures in diagnostic reviews', journal: 'J Clin Epidemiol', year: 2005, volume: '58', issue: '10', pages: '982–990', doi: '10.1016/j.jclinepi.2005.02.022' },
  { key: 'rutter2001', type: 'article', authors: ['Rutter CM', 'Gatsonis CA'], title: 'A hierarchical regression approach to meta-analysis of diagnostic test accuracy evaluations', journal: 'Stat Med', year: 2001, volume: '20', issue: '19', pages: '2865–2884', doi: '10.1002/sim.942' },
  { key: 'harbord2007', type: 'article', authors: ['Harbord RM', 'Deeks JJ', 'Egger M', 'Whiting P', 'Sterne JAC'], title: 'A unification of models for meta-analysis of diagnostic accuracy studies', journal: 'Biostatistics', year: 2007, volume: '8', issue: '2', pages: '239–251', doi: '10.1093/biostatistics/kxl004' },
  { key: 'liu1994', type: 'article', authors: ['Liu Q', 'Pierce DA'], title: 'A note on Gauss–Hermite quadrature', journal: 'Biometrika', year: 1994, volume: '81', issue: '3', pages: '624–629', doi: '10.1093/biomet/81.3.624' },
  { key: 'pinheiro1995', type: 'article', authors: ['Pinheiro JC', 'Bates DM'], title: 'Approximations to the log-likelihood function in the nonlinear mixed-effects model', journal: 'J Comput Graph Stat', year: 1995, volume: '4', issue: '1', pages: '12–35', doi: '10.1080/10618600.1995.10474663' },
  { key: 'viechtbauer2005', type: 'article', authors: ['Viechtbauer W'], title: 'Bias and efficiency of meta-analytic variance estimators in the random-effects model', journal: 'J Educ Behav Stat', year: 2005, volume: '30', issue: '3', pages: '261–293', doi: '10.3102/10769986030003261' },
  // ── study-level statistics, heterogeneity, bias, influence ──────────────────────────────────
  { key: 'clopper1934', type: 'article', authors: ['Clopper CJ', 'Pearson ES'], title: 'The use of confidence or fiducial limits illustrated in the case of the binomial', journal: 'Biometrika', year: 1934, volume: '26', issue: '4', pages: '404–413', doi: '10.1093/biomet/26.4.404' },
  { key: 'higgins2002', type: 'article', authors: ['Higgins JPT', 'Thompson SG'], title: 'Quantifying heterogeneity in a meta-analysis', journal: 'Stat Med', year: 2002, volume: '21', issue: '11', pages: '1539–1558', doi: '10.1002/sim.1186' },
  { key: 'zhou2014', type: 'article', authors: ['Zhou Y', 'Dendukuri N'], title: 'Statistics for quantifying heterogeneity in univariate and bivariate meta-analyses of binary data: the case of meta-analyses of diagnostic accuracy', journal: 'Stat Med', year: 2014, volume: '33', issue: '16', pages: '2701–2717', doi: '10.1002/sim.6115' },
  { key: 'deeks2005', type: 'article', authors: ['Deeks JJ', 'Macaskill P', 'Irwig L'], title: 'The performance of tests of publication bias and other sample size effects in systematic reviews of diagnostic test accuracy was assessed', journal: 'J Clin Epidemiol', year: 2005, volume: '58', issue: '9', pages: '882–893', doi: '10.1016/j.jclinepi.2005.01.016' },
  { key: 'goldberg1992', type: 'article', authors: ['Goldberg KM', 'Iglewicz B'], title: 'Bivariate extensions of the boxplot', journal: 'Technometrics', year: 1992, volume: '34', issue: '3', pages: '307–320', doi: '10.1080/00401706.1992.10485280' },
  { key: 'viechtbauer2010influence', type: 'article', authors: ['Viechtbauer W', 'Cheung MWL'], title: 'Outlier and influence diagnostics for meta-analysis', journal: 'Res Synth Methods', year: 2010, volume: '1', issue: '2', pages: '112–125', doi: '10.1002/jrsm.11' },
  { key: 'lau1992', type: 'article', authors: ['Lau J', 'Antman EM', 'Jimenez-Silva J', 'Kupelnick B', 'Mosteller F', 'Chalmers TC'], title: 'Cumulative meta-analysis of therapeutic trials for myocardial infarction', journal: 'N Engl J Med', year: 1992, volume: '327', issue: '4', pages: '248–254', doi: '10.1056/NEJM199207233270406' },
  { key: 'efron1993', type: 'book', authors: ['Efron B', 'Tibshirani RJ'], title: 'An Introduction to the Bootstrap', publisher: 'Chapman & Hall', year: 1993, doi: '10.1007/978-1-4899-4541-9' },
  { key: 'wilson1927', type: 'article', authors: ['Wilson EB'], title: 'Probable inference, the law of succession, and statistical inference', journal: 'J Am Stat Assoc', year: 1927, volume: '22', issue: '158', pages: '209–212', doi: '10.1080/01621459.1927.10502953' },
  // ── clinical utility ────────────────────────────────────────────────────────────────────────
  { key: 'fagan1975', type: 'article', authors: ['Fagan TJ'], title: "Nomogram for Bayes's theorem", journal: 'N Engl J Med', year: 1975, volume: '293', issue: '5', pages: '257', doi: '10.1056/NEJM197507312930513' },
  { key: 'stengel2003', type: 'article', authors: ['Stengel D', 'Bauwens K', 'Sehouli J', 'Ehlers A', 'Porzsolt F'], title: 'A likelihood ratio approach to meta-analysis of diagnostic studies', journal: 'J Med Screen', year: 2003, volume: '10', issue: '1', pages: '47–51', doi: '10.1258/096914103321610806' },
  // ── reporting and quality ───────────────────────────────────────────────────────────────────
  { key: 'page2021', type: 'article', authors: ['Page MJ', 'McKenzie JE', 'Bossuyt PM', 'Boutron I', 'Hoffmann TC', 'Mulrow CD', 'et al.'], title: 'The PRISMA 2020 statement: an updated guideline for reporting systematic reviews', journal: 'BMJ', year: 2021, volume: '372', pages: 'n71', doi: '10.1136/bmj.n71' },
  { key: 'mcinnes2018', type: 'article', authors: ['McInnes MDF', 'Moher D', 'Thombs BD', 'McGrath TA', 'Bossuyt PM', 'PRISMA-DTA Group'], title: 'Preferred reporting items for a systematic review and meta-analysis of diagnostic test accuracy studies: the PRISMA-DTA statement', journal: 'JAMA', year: 2018, volume: '319', issue: '4', pages: '388–396', doi: '10.1001/jama.2017.19163' },
  { key: 'whiting2011', type: 'article', authors: ['Whiting PF', 'Rutjes AWS', 'Westwood ME', 'Mallett S', 'Deeks JJ', 'Reitsma JB', 'et al.'], title: 'QUADAS-2: a revised tool for the quality assessment of diagnostic accuracy studies', journal: 'Ann Intern Med', year: 2011, volume: '155', issue: '8', pages: '529–536', doi: '10.7326/0003-4819-155-8-201110180-00009' },
  // ── certainty of evidence (GRADE for test accuracy) ──────────────────────────────────────────
  { key: 'schunemann2008', type: 'article', authors: ['Schünemann HJ', 'Oxman AD', 'Brozek J', 'Glasziou P', 'Jaeschke R', 'Vist GE', 'et al.'], title: 'Grading quality of evidence and strength of recommendations for diagnostic tests and strategies', journal: 'BMJ', year: 2008, volume: '336', issue: '7653', pages: '1106–1110', doi: '10.1136/bmj.39500.677199.AE' },
  { key: 'schunemann2020a', type: 'article', authors: ['Schünemann HJ', 'Mustafa RA', 'Brozek J', 'Steingart KR', 'Leeflang M', 'Murad MH', 'et al.'], title: 'GRADE guidelines: 21 part 1. Study design, risk of bias, and indirectness in rating the certainty across a body of evidence for test accuracy', journal: 'J Clin Epidemiol', year: 2020, volume: '122', pages: '129–141', doi: '10.1016/j.jclinepi.2019.12.020' },
  { key: 'schunemann2020b', type: 'article', authors: ['Schünemann HJ', 'Mustafa RA', 'Brozek J', 'Steingart KR', 'Leeflang M', 'Murad MH', 'et al.'], title: 'GRADE guidelines: 21 part 2. Test accuracy: inconsistency, imprecision, publication bias, and other domains for rating the certainty of evidence and presenting it in evidence profiles and summary of findings tables', journal: 'J Clin Epidemiol', year: 2020, volume: '122', pages: '142–152', doi: '10.1016/j.jclinepi.2019.12.021' },
  { key: 'mustafa2024', type: 'article', authors: ['Mustafa RA', 'El Mikati IK', 'Murad MH', 'et al.'], title: 'GRADE guidance 37: rating imprecision in a body of evidence on test accuracy', journal: 'J Clin Epidemiol', year: 2024, volume: '165', pages: '111189', doi: '10.1016/j.jclinepi.2023.10.005' },
  // ── software described or checked against ───────────────────────────────────────────────────
  { key: 'midas', type: 'software', authors: ['Dwamena B'], title: 'MIDAS: Stata module for meta-analytical integration of diagnostic test accuracy studies', year: 2009, version: '2.00 (midas.ado of 21 December 2008; SSC distribution of 5 February 2009)', publisher: 'Statistical Software Components S456880, Boston College Department of Economics', url: 'https://ideas.repec.org/c/boc/bocode/s456880.html' },
  { key: 'metandi', type: 'article', authors: ['Harbord RM', 'Whiting P'], title: 'metandi: meta-analysis of diagnostic accuracy using hierarchical logistic regression', journal: 'Stata J', year: 2009, volume: '9', issue: '2', pages: '211–229', doi: '10.1177/1536867X0900900203', note: 'Software version 2.0 (metandi.ado of 15 April 2008, SSC)' },
  { key: 'lme4', type: 'article', authors: ['Bates D', 'Mächler M', 'Bolker B', 'Walker S'], title: 'Fitting linear mixed-effects models using lme4', journal: 'J Stat Softw', year: 2015, volume: '67', issue: '1', pages: '1–48', doi: '10.18637/jss.v067.i01', note: 'R package lme4 1.1-31 (R 4.2.2) used for the reference values' },
  { key: 'metafor', type: 'article', authors: ['Viechtbauer W'], title: 'Conducting meta-analyses in R with the metafor package', journal: 'J Stat Softw', year: 2010, volume: '36', issue: '3', pages: '1–48', doi: '10.18637/jss.v036.i03', note: 'R package metafor 3.8-1 used for the reference values' },
  { key: 'mada', type: 'software', authors: ['Doebler P'], title: 'mada: Meta-Analysis of Diagnostic Accuracy', year: 2025, version: '0.5.12', publisher: 'R package, CRAN', doi: '10.32614/CRAN.package.mada' },
  { key: 'vegalite', type: 'article', authors: ['Satyanarayan A', 'Moritz D', 'Wongsuphasawat K', 'Heer J'], title: 'Vega-Lite: a grammar of interactive graphics', journal: 'IEEE Trans Vis Comput Graph', year: 2017, volume: '23', issue: '1', pages: '341–350', doi: '10.1109/TVCG.2016.2599030' },
];

export const referenceByKey: ReadonlyMap<string, Reference> = new Map(REFERENCES.map((reference) => [reference.key, reference]));
