/**
 * Text clean-up for silver: only repairs that cannot damage correct text.
 *
 * Mojibake here means UTF-8 bytes that were decoded as Latin-1 or Windows-1252 somewhere upstream:
 * "EspaÃ±a" for "España", "â€œholaâ€\u009d" for "“hola”", "ðŸ˜€" for "😀". Such a run maps back
 * to the exact bytes of one UTF-8 character. A run is replaced only when
 *   1. its characters map to bytes that form one well-formed UTF-8 sequence (strict decoding), and
 *   2. the decoded character lies in a range Spanish marketplace text actually uses (Latin letters,
 *      punctuation, €, ™, symbols and emoji).
 * Rule 2 keeps legitimate text safe: "BEBÉ…" is É (0xC9) + … (0x85 in Windows-1252), a
 * well-formed sequence for U+0245 "Ʌ", which is outside those ranges and so left alone.
 * Every repair replaces 2–4 characters by 1–2, so repairing is also bounded and terminates.
 */

/** Windows-1252 characters at bytes 0x80–0x9F (the five undefined bytes stay as C1 controls). */
const CP1252_HIGH: Record<number, number> = {
  0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
  0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91,
  0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98,
  0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b, 0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f,
};

const cp1252Class = Object.keys(CP1252_HIGH)
  .map((code) => `\\u${Number(code).toString(16).padStart(4, '0')}`)
  .join('');
/** A character that stands for a UTF-8 continuation byte (0x80–0xBF). */
const CONT = `[\\u0080-\\u00bf${cp1252Class}]`;
const MOJIBAKE = new RegExp(`[\\u00c2-\\u00df]${CONT}|[\\u00e0-\\u00ef]${CONT}{2}|[\\u00f0-\\u00f4]${CONT}{3}`, 'g');

/** Code point ranges a repair may produce (inclusive). */
const PLAUSIBLE: ReadonlyArray<readonly [number, number]> = [
  [0x00a0, 0x017f], // Latin-1 letters and signs (ñ, á, ¿, º), Latin Extended-A
  [0x2000, 0x206f], // general punctuation: ’ “ ” – — … and zero-width joiners
  [0x20a0, 0x20cf], // currency signs (€)
  [0x2100, 0x215f], // letterlike symbols (™, №)
  [0x2190, 0x21ff], // arrows
  [0x2600, 0x27bf], // miscellaneous symbols, dingbats (☀, ✔)
  [0x2b00, 0x2bff], // arrows and stars (⭐)
  [0xfe00, 0xfe0f], // variation selectors (emoji presentation)
  [0x1f000, 0x1faff], // emoji
];

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function byteOf(char: string): number {
  const code = char.codePointAt(0)!;
  return code <= 0xff ? code : CP1252_HIGH[code]!;
}

function plausible(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (!PLAUSIBLE.some(([low, high]) => code >= low && code <= high)) return false;
  }
  return true;
}

function repairRun(run: string): string {
  const bytes = Uint8Array.from(run, byteOf);
  let decoded: string;
  try {
    decoded = strictUtf8.decode(bytes);
  } catch {
    return run;
  }
  return plausible(decoded) ? decoded : run;
}

/** Text double-encoded twice ("EspaÃƒÂ±a") needs two passes; more than three is noise, not mojibake. */
const MAX_PASSES = 3;

/** Repairs Latin-1/Windows-1252-misread UTF-8 where that is safe (see the module comment); leaves everything else alone. */
export function repairMojibake(text: string): string {
  let current = text;
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    // Cheap bail-out: every mojibake run starts with a character in U+00C2–U+00F4.
    if (!/[\u00c2-\u00f4]/.test(current)) return current;
    const next = current.replace(MOJIBAKE, repairRun);
    if (next === current) return current;
    current = next;
  }
  return current;
}

/**
 * Cuts `text` to at most `maxCodePoints` code points without splitting a surrogate pair
 * (a half pair would be written as U+FFFD and differ from the source).
 */
export function truncateCodePoints(text: string, maxCodePoints: number): string {
  // Code points never outnumber UTF-16 units: short strings need no counting.
  if (text.length <= maxCodePoints) return text;
  let count = 0;
  let index = 0;
  while (index < text.length && count < maxCodePoints) {
    const code = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    const pair = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
    index += pair ? 2 : 1;
    count += 1;
  }
  return text.slice(0, index);
}

export interface CleanText {
  text: string;
  repaired: boolean;
  truncated: boolean;
}

/** Mojibake repair then truncation; reports what it changed so the stage can count it. */
export function cleanText(text: string, maxCodePoints: number): CleanText {
  const repairedText = repairMojibake(text);
  const cut = truncateCodePoints(repairedText, maxCodePoints);
  return { text: cut, repaired: repairedText !== text, truncated: cut.length !== repairedText.length };
}
