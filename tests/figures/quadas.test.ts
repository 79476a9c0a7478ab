import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.ts';
import { buildQuadas, quadasCounts, type QuadasData, type QuadasStudy } from '../../src/data/quadas.ts';
import { QUADAS_METRICS, QUADAS_STYLE, quadasSummarySpec, quadasTrafficLightSpec } from '../../src/figures/quadas.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { expectFigure, svgTexts } from './golden.ts';


function quadas(text: string, file: string): QuadasData {
  const { data, diagnostics } = buildQuadas(parseCsv(new TextEncoder().encode(text), file).table!, { file });
  if (!data) throw new Error(JSON.stringify(diagnostics));
  return data;
}

const standin = quadas(readFileSync(new URL('../../analyses/osteoporosis-dl/data/quadas2_standin.csv', import.meta.url), 'utf8'), 'quadas2_standin.csv');
const standinLabels = {
  dzierzak2022: 'Dzierżak 2022', hsieh2021: 'Hsieh 2021', yamamoto2020: 'Yamamoto 2020', mao2022: 'Mao 2022', hong2023: 'Hong 2023',
  liu2019: 'Liu 2019', yamamoto2021: 'Yamamoto 2021', jang2021: 'Jang 2021', yasaka2020: 'Yasaka 2020', kucukciloglu2023: 'Küçükçiloğlu 2023',
};
const standinNote = 'Stand-in judgements for demonstration; not the published assessment.';
const LONG_LABEL = 'Knafelc and the Memory Clinic Consortium of Western Australia 2003';
/** All 7 domains (MetaDTA coding), one study without applicability judgements and a long label. */
const full = quadas(
  `author,year,rob_PS,rob_IT,rob_RS,rob_FT,ac_PS,ac_IT,ac_RS
Flicker,1997,1,3,1,2,2,1,1
Fuh,1995,3,1,1,3,1,1,3
Goncalves,2011,2,2,1,1,1,2,1
Harwood,1997,1,1,3,3,1,1,1
Jorm,1996,3,3,3,3,3,3,3
"${LONG_LABEL.replace(' 2003', '')}",2003,1,1,1,1,,,
Mackinnon,1998,1,2,1,1,1,1,2
`,
  'metadta.csv',
);

/** `count` studies cycling through the judgements of the full fixture, with short labels. */
function studies(count: number): QuadasData {
  const rows: QuadasStudy[] = Array.from({ length: count }, (_, index) => ({ ...full.studies[index % full.studies.length]!, study: `Study ${index + 1}`, row: index + 1 }));
  return { ...full, studies: rows };
}

const cases: [string, () => ReturnType<typeof quadasTrafficLightSpec>][] = [
  ['quadas-traffic-light-standin', () => quadasTrafficLightSpec(standin, { labels: standinLabels, note: standinNote })],
  ['quadas-summary-standin', () => quadasSummarySpec(standin, quadasCounts(standin), { note: standinNote })],
  ['quadas-traffic-light', () => quadasTrafficLightSpec(full)],
  ['quadas-summary', () => quadasSummarySpec(full, quadasCounts(full))],
];

describe('QUADAS-2 figures: golden files', () => {
  for (const [name, build] of cases) {
    it(`${name}: Vega-Lite spec and normalised SVG match the goldens, 640 px wide, no truncation`, async () => {
      await expectFigure(name, build());
    });
  }
});

describe('QUADAS-2 traffic-light table', () => {
  it('one circle with a symbol per study and assessed domain; unassessed cells are empty rings', async () => {
    const spec = quadasTrafficLightSpec(full) as unknown as { datasets: { cells: { symbol: string; fill: string }[] } };
    expect(spec.datasets.cells).toHaveLength(7 * 7);
    expect(spec.datasets.cells.filter((cell) => cell.symbol === '').map((cell) => cell.fill)).toEqual(Array(3).fill(QUADAS_STYLE.notAssessed.fill));
    const texts = svgTexts((await renderFigure(quadasTrafficLightSpec(full))).svg);
    expect(texts.filter((text) => text === '+').length).toBeGreaterThan(20);
    for (const header of ['Risk of bias', 'Applicability concerns', 'Study', 'Patient', 'selection', 'Flow and', 'timing', 'Judgement:', 'Low', 'High', 'Unclear', 'Not assessed']) {
      expect(texts).toContain(header);
    }
  });

  it('wraps a long study label instead of truncating it', async () => {
    const texts = svgTexts((await renderFigure(quadasTrafficLightSpec(full))).svg);
    const lines = texts.filter((text) => LONG_LABEL.includes(text) && text.length > 4);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe(LONG_LABEL);
  });

  it('grows linearly with the number of studies (fixed row height)', async () => {
    const [five, ten, twenty] = await Promise.all([5, 10, 20].map(async (count) => (await renderFigure(quadasTrafficLightSpec(studies(count)))).heightPx));
    expect(ten! - five!).toBe(5 * QUADAS_METRICS.rowHeight);
    expect(twenty! - ten!).toBe(10 * QUADAS_METRICS.rowHeight);
  });

  it('leaves out domains the file does not have and says so', async () => {
    const texts = svgTexts((await renderFigure(quadasTrafficLightSpec(standin, { labels: standinLabels }))).svg);
    expect(texts).not.toContain('Applicability concerns');
    expect(texts).toContain('Applicability concerns: not assessed.');
    expect(texts).toContain('Küçükçiloğlu 2023');
    expect(texts).not.toContain('Not assessed');
  });
});

describe('QUADAS-2 summary bars', () => {
  it('each bar is 100%: its segments fill the plot width, counts printed inside', async () => {
    const spec = quadasSummarySpec(full, quadasCounts(full)) as unknown as { datasets: { segments: { x: number; x2: number; y: number }[] } };
    const byBar = new Map<number, number>();
    for (const segment of spec.datasets.segments) byBar.set(segment.y, (byBar.get(segment.y) ?? 0) + segment.x2 - segment.x);
    expect(byBar.size).toBe(7);
    const widths = [...byBar.values()];
    for (const width of widths) expect(width).toBeCloseTo(widths[0]!, 9);
    const texts = svgTexts((await renderFigure(quadasSummarySpec(full, quadasCounts(full)))).svg);
    for (const label of ['Risk of bias', 'Applicability concerns', 'Reference standard', '0%', '50%', '100%', 'Percentage of studies (k = 7)', 'Not assessed']) {
      expect(texts).toContain(label);
    }
  });

  it('its height does not depend on the number of studies', async () => {
    const [five, twenty] = await Promise.all([5, 20].map(async (count) => (await renderFigure(quadasSummarySpec(studies(count), quadasCounts(studies(count))))).heightPx));
    expect(twenty).toBe(five);
  });
});
