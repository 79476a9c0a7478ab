/**
 * A standalone figure SVG made fit to share one HTML page with other figures.
 *
 * Vega numbers clip paths and gradients `clip1`, `clip2`, … in every SVG, and inline SVGs share the
 * page's id namespace: without this, a later figure's `url(#clip1)` resolves to the first figure's
 * clip path and its marks are cut away in the HTML and the PDF (they were: four figures lost their
 * data). Every id defined in the SVG and every reference to it gets the figure's own prefix.
 *
 * The SVG also gets role="img" and an accessible name (the alt text), which Chromium carries into
 * the tagged PDF; the marks' own ARIA labels are hidden from assistive technology in favour of it.
 */

const escapeAttribute = (text: string): string => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Prefix every id of `svg` (definitions and url(#…)/href="#…" references) with `prefix`. */
export function prefixSvgIds(svg: string, prefix: string): string {
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  if (ids.size === 0) return svg;
  const rename = (id: string): string => (ids.has(id) ? `${prefix}${id}` : id);
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (_all, start: string, id: string, end: string) => `${start}${rename(id)}${end}`)
    .replace(/url\(#([^)]+)\)/g, (_all, id: string) => `url(#${rename(id)})`)
    .replace(/((?:xlink:)?href=")#([^"]+)(")/g, (_all, start: string, id: string, end: string) => `${start}#${rename(id)}${end}`);
}

/** The SVG as inlined in the supplement: ids prefixed, role="img", the alt text as its name. */
export function inlineSvg(svg: string, figureId: string, alt: string): string {
  const prefixed = prefixSvgIds(svg, `${figureId}--`);
  return prefixed.replace(/^<svg\b/, `<svg role="img" aria-label="${escapeAttribute(alt)}"`);
}
