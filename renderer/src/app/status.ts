/** The status bar's description of the document on screen. */
import type { DocumentSummary } from '../../../core/api.js';

export interface Place {
  page: number;
  /** The cited passage's section path, when the place came from a citation. */
  section: string[];
}

/** Empty when no document is on screen: the bar must never describe one that has gone. */
export function placeText(doc: DocumentSummary | undefined, place: Place | null): string {
  if (!doc || !place) return '';
  const title = doc.title || doc.fileName;
  return `${title} — Page ${place.page}${place.section.length ? ` — ${place.section.join(' › ')}` : ''}`;
}
