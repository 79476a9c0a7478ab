/** A QUADAS-2 domain used as a subgroup covariate (issue 5: "usable as a subgroup covariate"). */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/diagnostics.ts';
import { analyze } from '../../src/results/analyze.ts';
import { loadAnalysis } from '../../src/run.ts';

function analysisFolder(subgroup: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'metadx-quadas-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(
    join(dir, 'analysis.yaml'),
    `title: QUADAS subgroup\nversion: 1\ndata:\n  file: data/d.csv\n  group: study\nquadas:\n  file: data/q.csv\nsubgroups: [${subgroup}]\nsensitivity: {leave_one_out: false}\n`,
  );
  writeFileSync(
    join(dir, 'data', 'd.csv'),
    'study,tp,fp,fn,tn\na,m1,45,5,5,45\nb,m1,40,8,10,42\nc,m1,30,3,12,60\nd,m1,80,20,10,90\ne,m1,25,6,5,44\nf,m1,60,9,15,70\ng,m1,33,4,7,51\nh,m1,52,11,9,66\n'.replace(/,m1,/g, ','),
  );
  writeFileSync(
    join(dir, 'data', 'q.csv'),
    'study,patient_selection,index_test,reference_standard,flow_and_timing\na,low,low,low,low\nb,low,low,low,high\nc,high,low,low,low\nd,low,low,unclear,low\ne,high,low,low,low\nf,low,low,low,low\ng,high,low,low,unclear\nh,high,low,low,low\n',
  );
  return dir;
}

describe('QUADAS-2 domains as subgroup covariates', () => {
  it('analyses patient-selection risk of bias as a subgroup', async () => {
    const dir = analysisFolder('quadas_rob_patient_selection');
    const loaded = await loadAnalysis(dir, dir);
    const results = analyze(loaded.spec, loaded.data, 'q', { ...(loaded.quadas ? { quadas: loaded.quadas } : {}) });
    const analysis = results.subgroups[0]!;
    expect(analysis.label).toBe('Risk of bias: patient selection');
    expect(analysis.levels.map((l) => [l.level, l.k])).toEqual([
      ['low', 4],
      ['high', 4],
    ]);
    expect(analysis.metaRegression?.lrt.df).toBe(2);
  });

  it('suggests the QUADAS covariate name for a typo', async () => {
    const dir = analysisFolder('quadas_rob_patient_selectoin');
    const error = await loadAnalysis(dir, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).diagnostics[0]!.message).toContain('did you mean "quadas_rob_patient_selection"?');
  });
});
