/**
 * Comparable listings and a fair price: what a listing "should" cost, judged by listings of the
 * same kind rather than by its whole category (a PS Vita is not a cheap PS5).
 *
 * A listing's comparable key is its category and the first COMPARABLE_KEY_WORDS significant words
 * of its title, in order ("24200|iphone 13 pro 256gb"): words are folded (no accents, lower case),
 * storage and other units are glued to their number ("128 GB" → "128gb"), and words that say
 * nothing about which product it is (sale talk, condition, colours, HTML debris) are dropped. Its
 * comparable groups are the key and its shorter prefixes down to two words: the group of a prefix
 * holds every listing of the category whose key starts with it, so "iphone 13 pro" holds all
 * capacities and "iphone 13" every iPhone 13 model.
 *
 * Its fair price is the median asking price, on the previous gold day, of the most specific of its
 * groups that had at least `minComparables` listings. docs/gold.md states the biases (titles that
 * do not start with the product, mixed groups at two words, the listing itself among yesterday's).
 */

export const COMPARABLE_KEY_WORDS = 4;
/** The shortest prefix a fair price may come from: one word is a brand or a kind, not a product. */
export const COMPARABLE_MIN_PREFIX_WORDS = 2;

/**
 * Words that do not tell products apart: Spanish function words, marketplace talk ("vendo",
 * "envío gratis", "como nuevo"), condition, colours, and the words of HTML that titles sometimes
 * carry. Compared after folding.
 */
const NOISE_WORDS = new Set(
  [
    // function words
    'de del la el los las lo y e o u con sin para por en a al un una unos unas se mi su sus muy mas the and for with no si ya es',
    // sale talk
    'vendo vende venta vendida vendido cambio cambios oferta ofertas urgente ganga chollo barato barata baratos precio negociable rebajado rebajada rebaja regalo envio envios gratis incluido incluida incluye entrega mano leer descripcion oportunidad liquido unico unica ocasion particular reservado',
    // condition
    'original originales nuevo nueva nuevos nuevas estrenar precintado precintada perfecto perfecta perfectos estado buen buena buenas buenos bien impecable impecables como usado usada usados poco uso apenas funciona funcionando garantia factura caja seminuevo seminueva cuidado cuidada',
    // colours
    'negro negra negros blanco blanca blancos azul azules rojo roja verde verdes gris rosa amarillo amarilla morado morada naranja marron beige plata plateado plateada oro dorado dorada granate violeta lila turquesa celeste crema',
    // HTML debris
    'script alert img src onerror svg onload title xss',
  ]
    .join(' ')
    .split(' '),
);

/** Units glued to the number before them ("128 GB" → "128gb"), when only spaces separate them. */
const UNITS = new Set(['gb', 'tb', 'mb', 'mah', 'w', 'cc', 'kg', 'g', 'cm', 'mm', 'ml', 'km', 'cv', 'hp', 'pulgadas', 'mp']);

/** JavaScript's `\s`. */
const isSpace = (code: number) =>
  code === 32 ||
  (code >= 9 && code <= 13) ||
  code === 0xa0 ||
  code === 0x1680 ||
  (code >= 0x2000 && code <= 0x200a) ||
  code === 0x2028 ||
  code === 0x2029 ||
  code === 0x202f ||
  code === 0x205f ||
  code === 0x3000 ||
  code === 0xfeff;

/**
 * A title's significant words, folded, in order (see the module comment). One scan of the title
 * (a shard folds every listing's): letters are lower-cased, accents dropped (NFKD, then the
 * combining marks U+0300–U+036F), and a word is a run of [a-z0-9.] with its edge dots removed.
 */
export function titleWords(title: string): string[] {
  let ascii = true;
  for (let index = 0; index < title.length; index += 1) {
    if (title.charCodeAt(index) > 0x7f) {
      ascii = false;
      break;
    }
  }
  const text = (ascii ? title : title.normalize('NFKD')).toLowerCase();
  const raw: string[] = [];
  /** Whether only spaces separated each raw word from the one before it. */
  const spaced: boolean[] = [];
  let word = '';
  let start = -1;
  let gapIsSpace = true;
  for (let index = 0; index <= text.length; index += 1) {
    const code = index < text.length ? text.charCodeAt(index) : 32;
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 46) {
      if (start < 0) start = index;
      continue;
    }
    // An accent NFKD split off its letter: dropped, the word goes on.
    if (code >= 0x300 && code <= 0x36f) {
      if (start >= 0) word += text.slice(start, index);
      start = -1;
      continue;
    }
    if (start >= 0) word += text.slice(start, index);
    start = -1;
    if (word.length > 0) {
      raw.push(word);
      spaced.push(gapIsSpace);
      word = '';
      gapIsSpace = true;
    }
    if (!isSpace(code)) gapIsSpace = false;
  }
  const words: string[] = [];
  for (let index = 0; index < raw.length; index += 1) {
    let token = raw[index]!;
    const next = raw[index + 1];
    const lastCode = token.charCodeAt(token.length - 1);
    if (next !== undefined && spaced[index + 1] && lastCode >= 48 && lastCode <= 57 && next.charCodeAt(0) !== 46 && UNITS.has(stripDots(next))) {
      token += next;
      index += 1;
    }
    const clean = stripDots(token);
    if (clean.length === 0 || NOISE_WORDS.has(clean)) continue;
    // A lone letter is an article or a stray initial; a lone digit is a model ("PlayStation 5").
    if (clean.length === 1 && !(clean >= '0' && clean <= '9')) continue;
    words.push(clean);
  }
  return words;
}

function stripDots(word: string): string {
  let start = 0;
  let end = word.length;
  while (start < end && word.charCodeAt(start) === 46) start += 1;
  while (end > start && word.charCodeAt(end - 1) === 46) end -= 1;
  return start === 0 && end === word.length ? word : word.slice(start, end);
}

/** The comparable key of a listing, or null without a category or a significant word. */
export function comparableKeyOf(categoryId: number | null, title: string | null): string | null {
  if (categoryId === null || title === null) return null;
  const words = titleWords(title);
  if (words.length === 0) return null;
  return `${categoryId}|${words.slice(0, COMPARABLE_KEY_WORDS).join(' ')}`;
}

/** The groups a key belongs to, most specific first: itself, then its prefixes down to two words. */
export function comparableGroupsOf(key: string): string[] {
  const groups = [key];
  const bar = key.indexOf('|');
  let words = 1;
  for (let index = bar + 1; index < key.length; index += 1) if (key.charCodeAt(index) === 32) words += 1;
  let end = key.length;
  for (let length = words - 1; length >= COMPARABLE_MIN_PREFIX_WORDS; length -= 1) {
    end = key.lastIndexOf(' ', end - 1);
    groups.push(key.slice(0, end));
  }
  return groups;
}

/** The category id and words of a group key. */
export function parseComparableKey(key: string): { categoryId: number; words: string } {
  const bar = key.indexOf('|');
  return { categoryId: Number(key.slice(0, bar)), words: key.slice(bar + 1) };
}

/** One group of the previous gold day, as a fair price needs it. */
export interface ComparableReferenceGroup {
  /** Listings seen that day in the group. */
  listings: number;
  /** Their median asking price (exact). */
  median: number;
}

export interface FairPrice {
  fairPrice: number;
  group: string;
  comparables: number;
}

/**
 * The previous gold day's comparable groups (only those with at least `minComparables` listings:
 * smaller ones cannot give a fair price), and the fair price of a key against them.
 */
export class ComparableReference {
  /** Fair prices already looked up: listings share keys, and a lookup builds the key's prefixes. */
  private readonly known = new Map<string, FairPrice | null>();

  constructor(
    private readonly groups: ReadonlyMap<string, ComparableReferenceGroup>,
    readonly minComparables: number,
  ) {}

  get size(): number {
    return this.groups.size;
  }

  fairPriceOf(key: string | null): FairPrice | null {
    if (key === null || this.groups.size === 0) return null;
    let fair = this.known.get(key);
    if (fair !== undefined) return fair;
    fair = null;
    for (const group of comparableGroupsOf(key)) {
      const found = this.groups.get(group);
      if (found !== undefined && found.listings >= this.minComparables) {
        fair = { fairPrice: found.median, group, comparables: found.listings };
        break;
      }
    }
    this.known.set(key, fair);
    return fair;
  }
}

/**
 * Where a price sits against its fair price, the bands time-to-sell is broken down by: below
 * (< 0.9 × fair), near (0.9–1.1 ×), above (> 1.1 ×); null without a fair price.
 */
export type PricePosition = 'below' | 'near' | 'above';
export const PRICE_POSITIONS = ['below', 'near', 'above'] as const satisfies readonly PricePosition[];
export const PRICE_POSITION_BAND = { below: 0.9, above: 1.1 } as const;

export function pricePositionOf(price: number, fairPrice: number | null): PricePosition | null {
  if (fairPrice === null || !(fairPrice > 0)) return null;
  const ratio = price / fairPrice;
  return ratio < PRICE_POSITION_BAND.below ? 'below' : ratio > PRICE_POSITION_BAND.above ? 'above' : 'near';
}
