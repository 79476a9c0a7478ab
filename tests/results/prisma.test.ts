/**
 * PRISMA 2020 flow counts and their checks. The seed paper (BMC Musculoskelet Disord 2024,
 * doi:10.1186/s12891-024-08120-7, Results "Study selection") says 181 records were identified, 107
 * excluded after title/abstract review and 76 full texts assessed: 181 − 107 = 74, not 76.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics.ts';
import { prismaMessages } from '../../src/messages.ts';
import { prismaDiagnostics, prismaFlow, type PrismaCheck, type PrismaCount, type PrismaSearchInput } from '../../src/results/prisma.ts';
import { loadSpec } from '../../src/spec/load.ts';

const seedFile = 'analyses/osteoporosis-dl/analysis.yaml';
const seed = loadSpec(readFileSync(new URL(`../../${seedFile}`, import.meta.url), 'utf8'), seedFile);

/** A flow that adds up: 1,969 identified − 524 removed = 1,445 screened − 1,322 = 123 sought − 3 = 120 assessed − 98 = 22 reports. */
const consistentSearch: PrismaSearchInput = {
  databases: [{ name: 'MEDLINE (PubMed)', records: 812 }, { name: 'Embase', records: 1020 }, { name: 'Cochrane Library', records: 96 }],
  registers: [{ name: 'ClinicalTrials.gov', records: 41 }],
  duplicates_removed: 512,
  automation_removed: 0,
  other_removed: 12,
  records_excluded: 1322,
  reports_not_retrieved: 3,
  reports_excluded: [
    { reason: 'No 2×2 data extractable', n: 55 },
    { reason: 'Reference standard not DXA', n: 25 },
    { reason: 'Not deep learning (radiomics with handcrafted features)', n: 12 },
    { reason: 'Conference abstract only', n: 6 },
  ],
  studies_included: 20,
  reports_included: 22,
  tables_included: 31,
};

/** An original search and one (hypothetical) update. */
const twoSearches = {
  searches: [
    { date: '2023-12-01', label: 'Original search', records_identified: 181, duplicates_removed: 30, records_screened: 151, records_excluded: 75, reports_sought: 76, reports_not_retrieved: 0, reports_assessed: 76, reports_excluded_total: 66, studies_included: 10, reports_included: 10, tables_included: 26 },
    { date: '2024-06-01', label: 'Update 1', demonstration: true, databases: [{ name: 'MEDLINE (PubMed)', records: 40 }, { name: 'EMBASE (Elsevier)', records: 52 }], duplicates_removed: 22, records_excluded: 55, reports_not_retrieved: 1, reports_excluded: [{ reason: 'Wrong reference standard', n: 8 }, { reason: 'No 2×2 data', n: 3 }], studies_included: 3, reports_included: 3, tables_included: 5 },
  ],
};

const n = (count: PrismaCount): number | undefined => (count.status === 'unknown' ? undefined : count.n);
const codes = (checks: PrismaCheck[]) => checks.map((check) => check.code);
const checksOf = (search: PrismaSearchInput) => prismaFlow({ prisma: search })!.checks;

describe('PRISMA flow of the seed paper', () => {
  const flow = prismaFlow(seed.spec!)!;

  it('finds exactly one inconsistency: 181 − 107 = 74 records left, yet 76 reports assessed', () => {
    expect(flow.checks).toHaveLength(1);
    const [check] = flow.checks as [PrismaCheck];
    expect(check.code).toBe('prisma.flow-exceeds');
    expect(check.terms.map((term) => term.sign * term.n)).toEqual([181, -107]);
    expect(check.result).toBe(74);
    expect(check.actual).toEqual({ box: 'reports_assessed', n: 76, sign: 1 });
    expect([...check.terms.map((term) => term.n), check.result, check.actual!.n]).toEqual([181, 107, 74, 76]);
    expect(check.boxes).toEqual(['records_identified', 'records_excluded', 'reports_assessed']);
    expect(check.specPath).toEqual(['prisma', 'reports_assessed']);
  });

  it('prints the check as a located validate warning', () => {
    const diagnostics = prismaDiagnostics(flow, seedFile, seed.locate);
    expect(diagnostics).toHaveLength(1);
    const position = seed.locate(['prisma', 'reports_assessed'])!;
    expect(formatDiagnostic(diagnostics[0]!)).toBe(
      `${seedFile}:${position.line}:${position.column}: warning: PRISMA counts do not add up: 181 records identified − 107 records excluded = 74, yet 76 full-text reports were assessed for eligibility\n    ${prismaMessages.hint('prisma.flow-exceeds')}`,
    );
    expect(diagnostics[0]).toMatchObject({ severity: 'warning', code: 'prisma.flow-exceeds', field: 'prisma.reports_assessed' });
  });

  it('leaves what the paper does not report unknown instead of guessing', () => {
    const { counts } = flow.current;
    expect(counts.records_removed.status).toBe('unknown');
    expect(counts.records_screened.status).toBe('unknown');
    expect(counts.reports_sought.status).toBe('unknown');
    // "10 articles were eventually selected": reports included 10, so 76 − 10 = 66 excluded (derived)
    expect(counts.reports_included).toEqual({ status: 'given', n: 10 });
    expect(counts.reports_excluded).toMatchObject({ status: 'derived', n: 66 });
    expect(counts.studies_included).toEqual({ status: 'given', n: 10 });
    expect(counts.tables_included).toEqual({ status: 'given', n: 26 });
    expect(flow.updated).toBe(false);
    expect(flow.note).toContain('181 - 107 = 74');
  });

  it('gives the same check when the duplicates are declared as 0 (the 107 include them)', () => {
    const checks = checksOf({ ...seed.spec!.prisma!, duplicates_removed: 0 });
    expect(codes(checks)).toEqual(['prisma.flow-exceeds']);
    expect(checks[0]!.result).toBe(74);
    const derived = prismaFlow({ prisma: { ...seed.spec!.prisma!, duplicates_removed: 0 } })!.current.counts;
    expect(derived.records_screened).toMatchObject({ status: 'derived', n: 181, derivation: 'difference' });
    expect(derived.reports_sought).toMatchObject({ status: 'derived', n: 74 });
    expect(derived.reports_not_retrieved.status).toBe('unknown'); // 74 − 76 < 0 is never derived
  });
});

describe('PRISMA flow that adds up', () => {
  const flow = prismaFlow({ prisma: consistentSearch })!;

  it('has no checks', () => expect(flow.checks).toEqual([]));

  it('fills every box, marking what it derived and how', () => {
    const { counts } = flow.current;
    expect(counts.records_identified).toMatchObject({ status: 'derived', n: 1969, derivation: 'sum' });
    expect(counts.records_removed).toMatchObject({ status: 'derived', n: 524, derivation: 'sum' });
    expect(counts.records_screened).toMatchObject({ status: 'derived', n: 1445, derivation: 'difference' });
    expect(counts.reports_sought).toMatchObject({ status: 'derived', n: 123, derivation: 'difference' });
    expect(counts.reports_assessed).toMatchObject({ status: 'derived', n: 120, derivation: 'difference' });
    expect(counts.reports_excluded).toMatchObject({ status: 'derived', n: 98, derivation: 'sum' });
    expect(counts.reports_included).toEqual({ status: 'given', n: 22 });
    expect(n(flow.total.studies)).toBe(20);
    expect(n(flow.total.tables)).toBe(31);
  });

  it('derives backwards too: screened = sought + excluded', () => {
    const counts = prismaFlow({ prisma: { records_excluded: 100, reports_sought: 50 } })!.current.counts;
    expect(counts.records_screened).toMatchObject({ status: 'derived', n: 150, terms: [{ box: 'reports_sought', n: 50, sign: 1 }, { box: 'records_excluded', n: 100, sign: 1 }] });
  });

  it('treats omitted removal counts as none once one is given, and as unknown when all are omitted', () => {
    expect(n(prismaFlow({ prisma: { records_identified: 100, duplicates_removed: 10 } })!.current.counts.records_screened)).toBe(90);
    expect(prismaFlow({ prisma: { records_identified: 100 } })!.current.counts.records_screened.status).toBe('unknown');
  });

  it('is undefined without prisma: or searches:', () => expect(prismaFlow({})).toBeUndefined());
});

describe('PRISMA checks', () => {
  it('flow-mismatch when every count between two boxes is given', () => {
    const [check, ...rest] = checksOf({ records_identified: 200, duplicates_removed: 20, records_screened: 178 });
    expect(rest).toEqual([]);
    expect(check).toMatchObject({ code: 'prisma.flow-mismatch', result: 180, relation: '=', actual: { box: 'records_screened', n: 178 } });
    expect(prismaMessages.check(check!)).toBe('200 records identified − 20 duplicate records removed = 180, but 178 records were screened');
  });

  it('reports assessed − excluded against reports included, and against studies when reports are unknown', () => {
    const reports = checksOf({ reports_assessed: 76, reports_excluded_total: 66, reports_included: 12, studies_included: 10 });
    expect(codes(reports)).toEqual(['prisma.flow-mismatch']);
    expect(reports[0]).toMatchObject({ result: 10, actual: { box: 'reports_included', n: 12 } });
    const studies = checksOf({ reports_assessed: 76, reports_excluded_total: 70, studies_included: 10 });
    expect(codes(studies)).toEqual(['prisma.flow-exceeds']);
    expect(prismaMessages.check(studies[0]!)).toBe('76 reports assessed for eligibility − 70 reports excluded = 6 reports, yet 10 studies were included (each study has at least one report)');
  });

  it('databases and registers against records identified', () => {
    const sum = checksOf({ databases: [{ name: 'MEDLINE', records: 100 }, { name: 'Embase', records: 70 }], records_identified: 181 });
    expect(codes(sum)).toEqual(['prisma.sources-sum']);
    expect(prismaMessages.check(sum[0]!)).toBe('the databases and registers add up to 170 records (MEDLINE 100 + Embase 70), but 181 records were identified');
    const partial = checksOf({ databases: [{ name: 'MEDLINE', records: 100 }, { name: 'Embase', records: 90 }, { name: 'Scholar' }], records_identified: 181 });
    expect(codes(partial)).toEqual(['prisma.sources-exceed']);
    expect(checksOf({ databases: [{ name: 'MEDLINE', records: 100 }, { name: 'Scholar' }], records_identified: 181 })).toEqual([]);
  });

  it('2x2 tables at least studies, reports at least studies, reasons, added:, the data file', () => {
    expect(codes(checksOf({ studies_included: 10, tables_included: 8 }))).toEqual(['prisma.tables-fewer-than-studies']);
    expect(codes(checksOf({ studies_included: 10, tables_included: 26 }))).toEqual([]);
    expect(codes(checksOf({ studies_included: 10, reports_included: 8 }))).toEqual(['prisma.studies-exceed-reports']);
    const reasons = checksOf({ reports_excluded: [{ reason: 'a', n: 30 }, { reason: 'b', n: 30 }], reports_excluded_total: 66 });
    expect(codes(reasons)).toEqual(['prisma.reasons-sum']);
    const added = prismaFlow({ searches: [{ date: '2024-01-01', added: ['a', 'b'], studies_included: 3 }] })!;
    expect(codes(added.checks)).toEqual(['prisma.added-count']);
    expect(added.checks[0]!.search).toEqual({ index: 0, date: '2024-01-01' });
    const analysed = prismaFlow({ prisma: { studies_included: 10, tables_included: 26 } }, { tablesAnalysed: 25 })!;
    expect(codes(analysed.checks)).toEqual(['prisma.tables-not-analysed']);
    expect(prismaMessages.check(analysed.checks[0]!)).toBe('tables_included is 26, but the data file has 25 rows (2×2 tables)');
  });

  it('flow-negative when exclusions exceed what there was and nothing below is known', () => {
    const [check] = checksOf({ records_identified: 100, records_excluded: 150 });
    expect(check).toMatchObject({ code: 'prisma.flow-negative', result: -50 });
    expect(prismaMessages.check(check!)).toBe('100 records identified − 150 records excluded = −50: more were excluded than there were');
  });
});

describe('updated reviews', () => {
  it('two searches: the earlier one becomes the previous studies, totals add up', () => {
    const flow = prismaFlow(twoSearches)!;
    expect(flow.updated).toBe(true);
    expect(flow.checks).toEqual([]);
    expect(flow.current.label).toBe('Update 1');
    expect(flow.earlier.map((search) => search.label)).toEqual(['Original search']);
    expect([n(flow.previous.studies), n(flow.previous.reports), n(flow.previous.tables)]).toEqual([10, 10, 26]);
    expect([n(flow.total.studies), n(flow.total.reports), n(flow.total.tables)]).toEqual([13, 13, 31]);
    expect(flow.total.studies).toMatchObject({ status: 'derived', derivation: 'sum' });
    expect(n(flow.current.counts.records_screened)).toBe(70);
  });

  it('checks every search and says which one', () => {
    const [first, second] = twoSearches.searches;
    const flow = prismaFlow({ searches: [{ ...first!, records_screened: 150 }, second!] })!;
    expect(codes(flow.checks)).toEqual(['prisma.flow-mismatch', 'prisma.flow-mismatch']);
    expect(flow.checks[0]!.search).toEqual({ index: 0, label: 'Original search', date: '2023-12-01' });
    expect(flow.checks[0]!.specPath).toEqual(['searches', 0, 'records_screened']);
    expect(prismaMessages.warning(prismaMessages.check(flow.checks[0]!), flow.checks[0]!.search)).toMatch(/^PRISMA counts do not add up in search 1 \(Original search\): 181 records identified − 30 duplicate records removed = 151, but 150 records were screened$/);
  });

  it('prisma.previous: a single search with the previous version stated', () => {
    const flow = prismaFlow({ prisma: { ...consistentSearch, previous: { studies: 12, reports: 14, tables: 18 } } })!;
    expect(flow.updated).toBe(true);
    expect([n(flow.total.studies), n(flow.total.reports), n(flow.total.tables)]).toEqual([32, 36, 49]);
    const bad = prismaFlow({ prisma: { previous: { studies: 12, reports: 10 } } })!;
    expect(codes(bad.checks)).toEqual(['prisma.studies-exceed-reports']);
    expect(bad.checks[0]!.specPath).toEqual(['prisma', 'previous', 'reports']);
  });
});

describe('tables analysed in an updated review', () => {
  const searches = [
    { date: '2023-12-01', records_identified: 181, studies_included: 10, tables_included: 26 },
    { date: '2025-06-01', records_identified: 40, studies_included: 2, tables_included: 4 },
  ];
  const codes = (tablesAnalysed: number) => prismaFlow({ searches }, { tablesAnalysed })!.checks.map((c) => c.code);

  it('compares the data with previous + new tables, not with the new ones alone', () => {
    expect(codes(30)).not.toContain('prisma.tables-not-analysed');
    expect(codes(31)).toContain('prisma.tables-not-analysed');
  });
});
