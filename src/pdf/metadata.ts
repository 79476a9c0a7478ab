/**
 * Document metadata for the printed PDF (title, authors, subject, keywords, dates) written as a PDF
 * incremental update (ISO 32000-1 §7.5.6): a new Info dictionary object, a one-entry cross-reference
 * section and a trailer pointing back to the previous one. The original bytes are kept unchanged,
 * so the result stays deterministic. Chromium itself only sets Title, Creator and Producer.
 */

export interface PdfMetadata {
  title: string;
  author?: string;
  subject?: string;
  keywords?: string;
  creator: string;
  /** YYYY-MM-DD, used for CreationDate and ModDate */
  date: string;
}

/** A PDF text string: literal (escaped) for printable ASCII, else UTF-16BE hex with a BOM. */
export function pdfString(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return `<${hex}>`;
}

/** Append an Info dictionary update; returns the input unchanged if its trailer cannot be read. */
export function withMetadata(pdf: Uint8Array, metadata: PdfMetadata): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  const trailerStart = text.lastIndexOf('trailer');
  if (!startxref || trailerStart < 0) return pdf;
  const trailer = text.slice(trailerStart, startxref.index);
  const size = /\/Size\s+(\d+)/.exec(trailer);
  const root = /\/Root\s+(\d+\s+\d+\s+R)/.exec(trailer);
  if (!size || !root) return pdf;
  const objectNumber = Number(size[1]);
  const stamp = `D:${metadata.date.replace(/-/g, '')}000000Z`;
  const entries = [
    `/Title ${pdfString(metadata.title)}`,
    ...(metadata.author ? [`/Author ${pdfString(metadata.author)}`] : []),
    ...(metadata.subject ? [`/Subject ${pdfString(metadata.subject)}`] : []),
    ...(metadata.keywords ? [`/Keywords ${pdfString(metadata.keywords)}`] : []),
    `/Creator ${pdfString(metadata.creator)}`,
    `/Producer ${pdfString('Skia/PDF (Chromium)')}`,
    `/CreationDate (${stamp})`,
    `/ModDate (${stamp})`,
  ];
  const separator = text.endsWith('\n') ? '' : '\n';
  const objectOffset = pdf.length + separator.length;
  const object = `${objectNumber} 0 obj\n<<${entries.join('\n')}>>\nendobj\n`;
  const xrefOffset = objectOffset + Buffer.byteLength(object, 'latin1');
  const xref = `xref\n${objectNumber} 1\n${String(objectOffset).padStart(10, '0')} 00000 n \ntrailer\n<</Size ${objectNumber + 1}\n/Root ${root[1]}\n/Info ${objectNumber} 0 R\n/Prev ${startxref[1]}>>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.concat([Buffer.from(pdf), Buffer.from(separator + object + xref, 'latin1')]);
}
