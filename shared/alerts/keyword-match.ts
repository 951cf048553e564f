/**
 * Keyword matching for watches' `include` / `exclude` terms: case- and accent-insensitive, on whole
 * words. A title and a term are folded the same way (NFD, marks dropped, lowercase, anything that
 * is not a letter or digit becomes a space) and the term must appear as a run of whole words:
 * "pro" matches "iPhone 13 PRO" but not "protector"; "pro max" matches "Pro  Max"; "cámara"
 * matches "CAMARA". Digits stick to letters as typed: "128gb" does not match "128 GB".
 */

/** The folded form of a text: lowercase words without accents, separated by single spaces. */
export function foldWords(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Terms folded once, ready to test many titles. Empty terms (only punctuation) never match. */
export class TermMatcher {
  private readonly terms: string[];

  constructor(terms: readonly string[]) {
    this.terms = terms.map(foldWords).filter((term) => term.length > 0);
  }

  get size(): number {
    return this.terms.length;
  }

  /** Whether the (unfolded) title contains any of the terms as whole words. */
  matchesAny(title: string | null): boolean {
    if (title === null || this.terms.length === 0) return false;
    const padded = ` ${foldWords(title)} `;
    return this.terms.some((term) => padded.includes(` ${term} `));
  }
}
