/**
 * The one error class of an expected numerical failure: the data do not support a statistic (too
 * few usable studies, a between-study variance at 0 where its logarithm is needed, a pooled
 * proportion at 0 or 1, a rank-deficient design, a fit whose estimates are not finite).
 *
 * Callers in src/results/ catch this class only, record a note (`not-estimable`, with the
 * statistic and this message as the reason) that the report shows, and carry on; any other error
 * (a programming error, including a RangeError about an argument that cannot come from data) is
 * not caught and surfaces as an internal error (exit 70). It extends RangeError, so code written
 * against the earlier contract ("throws RangeError") still holds.
 */
export class NotEstimableError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'NotEstimableError';
  }
}

/** A note for a statistic that could not be computed: what it is and why (messages.ts words it). */
export function notEstimableNote(statistic: string, error: NotEstimableError): { code: 'not-estimable'; detail: { statistic: string; reason: string } } {
  return { code: 'not-estimable', detail: { statistic, reason: error.message } };
}
