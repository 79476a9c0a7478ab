/** Checks on a rendered supplement shared by the corpus, the property tests and the scale test. */

/** Non-finite numbers or missing values as text (the prose "is undefined" of a note is allowed). */
export function badTokens(text: string): string[] {
  return [...text.replace(/\bis undefined\b/g, '').matchAll(/\bNaN\b|\bInfinity\b|\bundefined\b|\[object Object\]/g)].map((m) => m[0]);
}

/** Elements and attributes that would run or load something: none may appear in a supplement. */
export function dangerousMarkup(html: string): string[] {
  const found: string[] = [];
  for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    if (/^<(script|img|iframe|object|embed|link|meta http-equiv|base|form|input|video|audio|source)\b/i.test(tag)) found.push(tag);
    else if (/\son[a-z]+\s*=|\s(?:href|src|xlink:href)\s*=\s*["']?\s*(?:javascript:|https?:|\/\/|file:)/i.test(tag)) found.push(tag);
  }
  return found;
}
