import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRISMA_COLOURS, PRISMA_METRICS, prismaLayout, prismaSpec } from '../../src/figures/prisma.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { measureText } from '../../src/figures/text-metrics.ts';
import { prismaFlow, type PrismaFlow, type PrismaSearchInput } from '../../src/results/prisma.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { expectFigure, svgTexts } from './golden.ts';

const seedFile = 'analyses/osteoporosis-dl/analysis.yaml';
const seedSpec = loadSpec(readFileSync(new URL(`../../${seedFile}`, import.meta.url), 'utf8'), seedFile).spec!;

const consistent: PrismaSearchInput = {
  databases: [{ name: 'MEDLINE (PubMed)', records: 812 }, { name: 'Embase', records: 1020 }, { name: 'Cochrane Library', records: 96 }],
  registers: [{ name: 'ClinicalTrials.gov', records: 41 }],
  duplicates_removed: 512, automation_removed: 0, other_removed: 12, records_excluded: 1322, reports_not_retrieved: 3,
  reports_excluded: [
    { reason: 'No 2×2 data extractable', n: 55 },
    { reason: 'Reference standard not DXA', n: 25 },
    { reason: 'Not deep learning (radiomics with handcrafted features)', n: 12 },
    { reason: 'Conference abstract only', n: 6 },
  ],
  studies_included: 20, reports_included: 22, tables_included: 31,
};
const updated = {
  searches: [
    { date: '2023-12-01', label: 'Original search', records_identified: 181, duplicates_removed: 30, records_screened: 151, records_excluded: 75, reports_sought: 76, reports_not_retrieved: 0, reports_assessed: 76, reports_excluded_total: 66, studies_included: 10, reports_included: 10, tables_included: 26 },
    { date: '2024-06-01', label: 'Update 1', demonstration: true, databases: [{ name: 'MEDLINE (PubMed)', records: 40 }, { name: 'EMBASE (Elsevier)', records: 52 }], duplicates_removed: 22, records_excluded: 55, reports_not_retrieved: 1, reports_excluded: [{ reason: 'Wrong reference standard', n: 8 }, { reason: 'No 2×2 data', n: 3 }], studies_included: 3, reports_included: 3, tables_included: 5 },
  ],
};

const flows: [string, PrismaFlow][] = [
  ['prisma-seed', prismaFlow(seedSpec)!],
  ['prisma-consistent', prismaFlow({ prisma: consistent })!],
  ['prisma-updated', prismaFlow(updated)!],
];

/** All SVG text joined, so footnotes that wrap over lines can be searched as one string. */
const allText = async (flow: PrismaFlow) => svgTexts((await renderFigure(prismaSpec(flow))).svg).join(' ');

describe('PRISMA 2020 flow diagram: golden files', () => {
  for (const [name, flow] of flows) {
    it(`${name}: Vega-Lite spec and normalised SVG match the goldens, 640 px wide, without warnings`, async () => {
      await expectFigure(name, prismaSpec(flow));
    });
  }
});

describe('PRISMA 2020 flow diagram: content', () => {
  it('seed: unknown counts say so, and the inconsistency is marked on its three boxes and in a footnote', async () => {
    const flow = flows[0]![1];
    const layout = prismaLayout(flow);
    expect(layout.boxes.filter((box) => box.marker).map((box) => [box.name, box.marker])).toEqual([
      ['identification', '⚠'],
      ['excluded', '⚠'],
      ['assessed', '⚠'],
    ]);
    const boxes = (prismaSpec(flow) as unknown as { datasets: { boxes: { stroke: string }[] } }).datasets.boxes;
    expect(boxes.filter((box) => box.stroke === PRISMA_COLOURS.warning)).toHaveLength(3);
    const text = await allText(flow);
    expect(text).toContain('Records screened (n = not reported)');
    expect(text).toContain('Reports assessed for eligibility (n = 76)');
    expect(text).toContain('Databases (n = 181) MEDLINE (PubMed) EMBASE (Elsevier) Google Scholar (first 50 results)');
    expect(text).toContain('Studies included in review (n = 10) Reports of included studies (n = 10)');
    expect(text).toContain('Reports excluded (n = 66†)');
    expect(text).toContain('2×2 tables included in the meta-analysis (n = 26)');
    expect(text).toContain('⚠ Counts as reported do not add up: 181 records identified − 107 records excluded = 74, yet 76 full-text reports were assessed for eligibility.');
    expect(text).not.toContain('Previous studies');
  });

  it('derived counts carry † and one footnote that shows the arithmetic', async () => {
    const text = await allText(flows[1]![1]);
    expect(text).toContain('Records screened (n = 1,445†)');
    expect(text).toContain('Reports excluded (n = 98): No 2×2 data extractable (n = 55)');
    expect(text).toContain('† Not reported; derived from the other counts: records screened = 1,969 − 524; reports sought for retrieval = 1,445 − 1,322; reports assessed for eligibility = 123 − 3.');
    expect(text).not.toContain('⚠');
  });

  it('updated review: previous-studies column, new and total included studies, previous → total arrow', async () => {
    const flow = flows[2]![1];
    const layout = prismaLayout(flow);
    expect(layout.boxes.map((box) => box.name)).toEqual(['identification', 'removed', 'previous', 'screened', 'excluded', 'sought', 'notRetrieved', 'assessed', 'reportsExcluded', 'included', 'total', 'tables']);
    const previous = layout.boxes.find((box) => box.name === 'previous')!;
    const total = layout.boxes.find((box) => box.name === 'total')!;
    expect(layout.arrowheads).toContainEqual({ x: total.x, y: total.top + total.height / 2, angle: 0 });
    expect(layout.rules).toContainEqual({ x: previous.x + previous.width / 2, y: previous.top + previous.height, x2: previous.x + previous.width / 2, y2: total.top + total.height / 2 });
    const text = await allText(flow);
    for (const header of ['Previous studies', 'Original search, 2023-12-01', 'Identification of new studies via databases and registers', 'Update 1, search of 2024-06-01 (hypothetical search, for demonstration)']) {
      expect(text).toContain(header);
    }
    expect(text).toContain('Studies included in previous version of review (n = 10)');
    expect(text).toContain('New studies included in review (n = 3) Reports of new included studies (n = 3)');
    expect(text).toContain('Total studies included in review (n = 13) Reports of total included studies (n = 13)');
    expect(text).toContain('2×2 tables included in the meta-analysis (n = 31)');
  });

  it('several checks are numbered; a check of an earlier search marks the previous-studies box', async () => {
    const [first, second] = updated.searches;
    const flow = prismaFlow({ searches: [{ ...first!, records_screened: 150 }, { ...second!, tables_included: 2 }] })!;
    expect(flow.checks.map((check) => [check.code, check.search?.index])).toEqual([
      ['prisma.flow-mismatch', 0],
      ['prisma.flow-mismatch', 0],
      ['prisma.tables-fewer-than-studies', 1],
    ]);
    const marked = prismaLayout(flow).boxes.filter((box) => box.marker).map((box) => [box.name, box.marker]);
    expect(marked).toEqual([['previous', '⚠1,2'], ['included', '⚠3'], ['tables', '⚠3']]);
    const text = await allText(flow);
    expect(text).toContain('⚠1 Search 1 (Original search): Counts as reported do not add up: 181 records identified − 30 duplicate records removed = 151, but 150 records were screened.');
    expect(text).toContain('⚠3 Counts as reported do not add up: the 2×2 tables included (2) are fewer than the studies included (3); each study gives at least one 2×2 table.');
  });

  it('phase bands: Identification, Screening, Included, each at least as tall as its rotated label', () => {
    for (const [, flow] of flows) {
      const { bands } = prismaLayout(flow);
      expect(bands.map((band) => band.phase)).toEqual(['Identification', 'Screening', 'Included']);
      for (const band of bands) expect(band.height).toBeGreaterThanOrEqual(measureText(band.phase, PRISMA_METRICS.fontSize, { bold: true }));
    }
  });
});

describe('PRISMA 2020 flow diagram: text is wrapped, never clipped', () => {
  const long: PrismaSearchInput = {
    ...consistent,
    databases: [{ name: 'Cumulative Index to Nursing and Allied Health Literature (CINAHL Complete, EBSCOhost interface)', records: 1928 }],
    registers: [],
    reports_excluded: [
      { reason: 'Index test was a conventional machine-learning model with radiomic features rather than deep learning', n: 60 },
      { reason: 'Reference standard other than dual-energy X-ray absorptiometry', n: 38 },
    ],
  };
  for (const [name, flow] of [...flows, ['long texts', prismaFlow({ prisma: long })!] as [string, PrismaFlow]]) {
    it(`${name}: every line fits inside its box`, async () => {
      const { paddingX, markerWidth } = PRISMA_METRICS;
      for (const box of prismaLayout(flow).boxes) {
        for (const line of box.lines) {
          const right = line.x + measureText(line.text, PRISMA_METRICS.fontSize);
          expect(right, `${box.name}: "${line.text}"`).toBeLessThanOrEqual(box.x + box.width - paddingX - (box.marker ? markerWidth : 0) + 1e-9);
          expect(line.y).toBeGreaterThan(box.top);
          expect(line.y).toBeLessThan(box.top + box.height);
        }
      }
      const figure = await renderFigure(prismaSpec(flow));
      expect(figure.svg).not.toContain('…');
      expect(figure.widthPx).toBe(640);
    });
  }
});
