/** The output name (`name:`, else the spec's folder): it names the folder out/<name>/. */

/** What names an output folder out/<name>/ (as the spec's `name:` must be written). */
const OUTPUT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const isOutputName = (name: string): boolean => OUTPUT_NAME.test(name);

/** A folder name made usable as an output name ("My review 2024" → "My-review-2024"). */
export function suggestName(name: string): string {
  const cleaned = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|-+$/g, '');
  return cleaned === '' ? 'analysis' : cleaned;
}
