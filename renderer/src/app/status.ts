/** The status bar's description of the document on screen. */
import type { DocumentSummary } from '../../../core/api.js';

export interface Place {
  page: number;
  /** The cited passage's section path, when the place came from a citation. */
  section: string[];
}

/** Why the document cannot be shown or asked about; null while it is (or will be) readable. */
export function problemOf(doc: DocumentSummary | undefined): string | null {
  if (doc?.status === 'failed') return doc.error?.message ?? 'It could not be read.';
  if (doc?.status === 'cancelled') return 'Reading it was cancelled before it was ready.';
  return null;
}

/** Empty when no document is on screen: the bar must never describe one that has gone. */
export function placeText(doc: DocumentSummary | undefined, place: Place | null): string {
  if (!doc) return '';
  const title = doc.title || doc.fileName;
  const problem = problemOf(doc);
  if (problem) return `${title}: ${problem}`;
  if (!place) return '';
  return `${title} — Page ${place.page}${place.section.length ? ` — ${place.section.join(' › ')}` : ''}`;
}
