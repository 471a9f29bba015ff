/** What a bibliography entry looks like from its first words, whatever font or size it is set in. */

/** "4. Spranger, S. & Gajewski, T. F. ...", "12 Smith J, ...": a number, then a surname and initials. */
const NUMBERED_AUTHOR = /^\[?\d{1,3}[.\])]?\s+\p{Lu}[\p{L}'’-]+(?:\s\p{Lu}[\p{L}'’-]+)?(?:,\s+\p{Lu}\.(?:\s?-?\p{Lu}\.)*|\s+\p{Lu}{1,3},)/u;
/** "1. R. T. Abraham, ...": a number, then initials and a surname (PNAS, Science). */
const NUMBERED_INITIALS = /^\[?\d{1,3}[.\])]?\s+(?:\p{Lu}\.\s?){1,3}\s?\p{Lu}[\p{L}'’-]+(?:\s+et al\.|,)/u;

/**
 * A numbered line that opens a reference entry. Section headings are numbered too ("4. Results"), but never
 * go on with a name and initials, so such an entry is neither a heading nor a footnote.
 */
export function referenceEntry(text: string): boolean {
  return NUMBERED_AUTHOR.test(text) || NUMBERED_INITIALS.test(text);
}
