/**
 * The summary-of-findings table as display strings, built once from `results.findings` and used
 * by the report section, the CSV and Word exports and the plain-text rendering, so every number
 * reads the same everywhere. Formatting through src/format/numbers.ts; prose from src/messages.ts.
 */
import { formatCount, formatFrequency, formatInterval, formatLevel, formatNumber, formatPercent, formatPrevalence, formatPStatement, formatRange } from '../format/numbers.ts';
import { findingsMessages as M, provenanceMessages } from '../messages.ts';
import { QUADAS_DOMAINS } from '../data/quadas.ts';
import { THRESHOLDS, type CertaintyBasis, type DomainAssessment, type FindingsOutcome, type OutcomeCertainty } from '../results/certainty.ts';
import type { FindingsResult } from '../results/findings.ts';
import type { AnalysisResults } from '../results/types.ts';
import type { Interval } from '../stats/types.ts';

export type FrequencyKey = 'truePositives' | 'falseNegatives' | 'trueNegatives' | 'falsePositives';

export interface SofRow {
  key: FrequencyKey;
  outcome: FindingsOutcome;
  label: string;
  description: string;
  evidence: string;
  certainty: string;
  /** footnote marks of the certainty cell */
  marks: string[];
  /** per prevalence: the interval per 1,000 and its text */
  values: { interval: Interval; text: string }[];
}

export interface SofModel {
  title: string;
  /** provenance banner (simulated or incomplete data), else null */
  banner: string | null;
  standInQuadas: string | null;
  header: { term: string; value: string }[];
  prevalences: { percent: string; label: string; source: string; header: string; value: number }[];
  rows: SofRow[];
  footnotes: { mark: string; text: string }[];
  participantsNote: string | null;
  method: string;
  certaintyMethod: string;
  plainLanguage: string[];
  /** the computed suggestions next to the reviewers' judgements, per outcome and domain */
  domains: { outcome: FindingsOutcome; domain: string; basis: string; suggested: string; reviewer: string; final: string }[];
}

const SUPERSCRIPT = ['ᵃ', 'ᵇ', 'ᶜ', 'ᵈ', 'ᵉ', 'ᶠ', 'ᵍ', 'ʰ', 'ⁱ', 'ʲ', 'ᵏ', 'ˡ', 'ᵐ', 'ⁿ', 'ᵒ', 'ᵖ', 'ʳ', 'ˢ', 'ᵗ', 'ᵘ'];
const LETTERS = 'abcdefghijklmnoprstu';
/** The superscript mark of footnote `letter` (a, b, …). */
export const superscript = (letter: string): string => SUPERSCRIPT[LETTERS.indexOf(letter)] ?? letter;

const SYMBOLS = { high: '⨁⨁⨁⨁', moderate: '⨁⨁⨁◯', low: '⨁⨁◯◯', 'very-low': '⨁◯◯◯' } as const;

const lowerFirst = (text: string): string => (/^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text);

const domainName = (id: string): string => (QUADAS_DOMAINS.find((d) => d.id === id)?.label ?? id).toLowerCase();

/** The numbers behind a suggestion, as text. */
export function basisText(basis: CertaintyBasis, outcome: FindingsOutcome, prevalences: readonly number[], options: { onlyTriggering?: boolean } = {}): string {
  const measure = outcome === 'sensitivity' ? 'sensitivity' : 'specificity';
  switch (basis.kind) {
    case 'quadas': {
      const t = THRESHOLDS.quadas;
      const triggering = basis.shares.filter((s) => s.shareHigh >= t.highSerious || s.shareHighOrUnclear >= t.highOrUnclearSerious);
      const shown = options.onlyTriggering && triggering.length > 0 ? triggering : basis.shares;
      const parts = shown.map((s) => M.quadasPart(domainName(s.domain), `${s.high} (${formatPercent(s.shareHigh, true)})`, `${s.unclear} (${formatPercent(s.shareHighOrUnclear - s.shareHigh, true)})`, s.assessed));
      return M.quadasBasis(basis.group, parts, basis.provenance === 'stand-in');
    }
    case 'prediction-region':
      return M.predictionBasis(measure, formatRange(basis.range.lo, basis.range.hi), formatNumber(basis.width, 'proportion'), formatNumber(basis.tau2, 'variance'), basis.i2 === null ? null : formatPercent(basis.i2, true));
    case 'ci-width': {
      const atPrevalences = basis.atPrevalences.map((p, i) => `${formatCount(p.width)} at ${formatPrevalence(prevalences[i] ?? p.prevalence)}`).join(', ');
      return M.ciBasis(measure, formatRange(basis.ci.lo, basis.ci.hi), formatCount(basis.widthPer1000), outcome === 'sensitivity' ? 'with the condition' : 'without the condition', atPrevalences);
    }
    case 'ci-thresholds':
      return M.thresholdBasis(measure, formatRange(basis.ci.lo, basis.ci.hi), basis.crossed.map((t) => formatNumber(t, 'proportion')), basis.thresholds.map((t) => formatNumber(t, 'proportion')));
    case 'deeks':
      return M.deeksBasis(formatPStatement(basis.p), basis.k, basis.k < THRESHOLDS.deeksLowPowerBelow);
    case 'not-available':
      return M.notAvailable(basis.reason);
  }
}

interface Footnotes {
  marks: Map<string, string>;
  list: { mark: string; text: string }[];
}

/** Register a footnote text (identical texts share one letter) and return its letter. */
function footnote(notes: Footnotes, text: string): string {
  const existing = notes.marks.get(text);
  if (existing) return existing;
  const mark = LETTERS[notes.list.length] ?? String(notes.list.length + 1);
  notes.marks.set(text, mark);
  notes.list.push({ mark, text });
  return mark;
}

/** Footnote letters of one outcome's certainty: every downgrade, every reviewer judgement, every domain not rated. */
function certaintyMarks(certainty: OutcomeCertainty, prevalences: readonly number[], notes: Footnotes): string[] {
  const marks: string[] = [];
  for (const d of certainty.domains) {
    const text = domainFootnote(d, certainty.outcome, prevalences);
    if (text) marks.push(footnote(notes, text));
  }
  return marks;
}

function domainFootnote(d: DomainAssessment, outcome: FindingsOutcome, prevalences: readonly number[]): string | null {
  const label = M.domainLabel(d.domain);
  if (d.final === null) return M.notRatedFootnote(label, basisText(d.basis, outcome, prevalences));
  if (d.downgrade === 0 && (d.reviewer === null || d.reviewer.rating === d.suggested)) return null;
  const basis = basisText(d.basis, outcome, prevalences, { onlyTriggering: true });
  if (d.suggested === null && d.reviewer) return M.reviewerOnlyFootnote(label, basis, { rating: M.ratingLabel(d.reviewer.rating, d.domain), reason: d.reviewer.reason });
  const suggestion = d.suggested === null ? 'none' : M.ratingLabel(d.suggested, d.domain);
  return M.footnote(label, suggestion, basis, M.rule(d.domain), d.reviewer ? { rating: M.ratingLabel(d.reviewer.rating, d.domain), reason: d.reviewer.reason } : null);
}

const OUTCOMES: { key: FrequencyKey; outcome: FindingsOutcome }[] = [
  { key: 'truePositives', outcome: 'sensitivity' },
  { key: 'falseNegatives', outcome: 'sensitivity' },
  { key: 'trueNegatives', outcome: 'specificity' },
  { key: 'falsePositives', outcome: 'specificity' },
];

export function sofModel(results: AnalysisResults, findings: FindingsResult): SofModel {
  const condition = findings.header.targetCondition ? lowerFirst(findings.header.targetCondition) : 'the target condition';
  const level = formatLevel(findings.level);
  const prevalenceValues = findings.prevalences.map((p) => p.value);
  const notes: Footnotes = { marks: new Map(), list: [] };
  const marks = {
    sensitivity: certaintyMarks(findings.certainty.sensitivity, prevalenceValues, notes),
    specificity: certaintyMarks(findings.certainty.specificity, prevalenceValues, notes),
  };
  const certaintyText = (outcome: FindingsOutcome) => {
    const c = findings.certainty[outcome];
    return `${SYMBOLS[c.level]} ${M.levelLabel(c.level)}${marks[outcome].length > 0 ? ` ${marks[outcome].map(superscript).join('')}` : ''}`;
  };
  const e = findings.evidence;
  const rows: SofRow[] = OUTCOMES.map(({ key, outcome }) => ({
    key,
    outcome,
    label: M.outcomeLabel(key),
    description: M.outcomeDescription(key, condition),
    evidence: M.evidence(e.tables, e.studies, formatCount(outcome === 'sensitivity' ? e.diseased : e.nonDiseased), outcome === 'sensitivity' ? `with ${condition}` : `without ${condition}`),
    certainty: certaintyText(outcome),
    marks: marks[outcome],
    values: findings.frequencies.map((f) => ({ interval: f[key], text: formatFrequency(f[key]) })),
  }));
  const header = [
    ...(findings.header.setting ? [{ term: 'Population and setting', value: findings.header.setting }] : []),
    ...(findings.header.indexTest ? [{ term: 'Index test', value: findings.header.indexTest }] : []),
    ...(findings.header.targetCondition ? [{ term: 'Target condition', value: findings.header.targetCondition }] : []),
    ...(findings.header.referenceStandard ? [{ term: 'Reference standard', value: findings.header.referenceStandard }] : []),
    { term: 'Studies', value: `${e.tables} 2x2 tables from ${e.studies} studies (${formatCount(e.participants)} participants: ${formatCount(e.diseased)} with and ${formatCount(e.nonDiseased)} without ${condition})` },
    { term: `Pooled sensitivity (${level} CI)`, value: formatInterval(findings.pooled.sens) },
    { term: `Pooled specificity (${level} CI)`, value: formatInterval(findings.pooled.spec) },
  ];
  const plainLanguage = findings.frequencies.map((f, i) => {
    const p = findings.prevalences[i]!;
    return M.plainLanguage({
      tested: formatCount(f.per),
      label: lowerFirst(p.label),
      prevalence: formatPrevalence(p.value),
      withCondition: formatCount(f.withCondition),
      withoutCondition: formatCount(f.withoutCondition),
      condition,
      tp: formatCount(f.truePositives.est),
      fn: `${formatCount(f.falseNegatives.est)} (${formatCount(f.falseNegatives.lo)} to ${formatCount(f.falseNegatives.hi)})`,
      fp: `${formatCount(f.falsePositives.est)} (${formatCount(f.falsePositives.lo)} to ${formatCount(f.falsePositives.hi)})`,
      positive: formatCount(f.testPositive.est),
      ppv: `${formatPercent(f.ppv.est, true)} (${formatPercent(f.ppv.lo, true)} to ${formatPercent(f.ppv.hi, true)})`,
    });
  });
  plainLanguage.push(M.certaintySentence(M.levelLabel(findings.certainty.sensitivity.level).toLowerCase(), M.levelLabel(findings.certainty.specificity.level).toLowerCase()));
  const bannerText = provenanceMessages.banner(results.provenance.status);
  const standIn = results.quadas?.provenance === 'stand-in';
  return {
    title: 'Summary of findings',
    banner: bannerText === '' ? null : bannerText,
    standInQuadas: standIn ? M.standInQuadas() : null,
    header,
    prevalences: findings.prevalences.map((p) => ({ percent: formatPrevalence(p.value), label: p.label, source: p.source, header: M.prevalenceHeader(formatPrevalence(p.value)), value: p.value })),
    rows,
    footnotes: notes.list,
    participantsNote: e.tables > e.studies ? M.participantsNote(e.countedOnce, e.summed) : null,
    method: M.method(level, findings.pooled.model),
    certaintyMethod: M.certaintyMethod(),
    plainLanguage,
    domains: (['sensitivity', 'specificity'] as const).flatMap((outcome) =>
      findings.certainty[outcome].domains.map((d) => ({
        outcome,
        domain: M.domainLabel(d.domain),
        basis: basisText(d.basis, outcome, prevalenceValues),
        suggested: M.ratingLabel(d.suggested, d.domain),
        reviewer: d.reviewer ? `${M.ratingLabel(d.reviewer.rating, d.domain)}: ${d.reviewer.reason}` : '–',
        final: M.ratingLabel(d.final, d.domain),
      })),
    ),
  };
}

/** The table as plain text (for notes and messages): one line per row, prevalences as columns. */
export function sofText(model: SofModel): string {
  const lines: string[] = [];
  if (model.banner) lines.push(model.banner, '');
  for (const h of model.header) lines.push(`${h.term}: ${h.value}`);
  lines.push('');
  const columns = ['Outcome', 'Evidence', 'Certainty', ...model.prevalences.map((p) => `${p.percent} per 1,000`)];
  const body = model.rows.map((r) => [r.label, r.evidence, r.certainty, ...r.values.map((v) => v.text)]);
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  lines.push(line(columns), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line), '');
  model.prevalences.forEach((p) => lines.push(`${p.percent}: ${p.label} (source: ${p.source})`));
  lines.push('');
  for (const f of model.footnotes) lines.push(`${f.mark}. ${f.text}`);
  if (model.participantsNote) lines.push(model.participantsNote);
  return `${lines.join('\n')}\n`;
}
