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

const UNIT = /(\d)\s+(gb|tb|mb|mah|w|cc|kg|g|cm|mm|ml|km|cv|hp|pulgadas|mp)\b/g;

/** A title's significant words, folded, in order (see the module comment). */
export function titleWords(title: string): string[] {
  const folded = title.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(UNIT, '$1$2');
  const words: string[] = [];
  for (const raw of folded.split(/[^a-z0-9.]+/)) {
    const word = raw.replace(/^\.+|\.+$/g, '');
    if (word.length === 0 || NOISE_WORDS.has(word)) continue;
    // A lone letter is an article or a stray initial; a lone digit is a model ("PlayStation 5").
    if (word.length === 1 && !/\d/.test(word)) continue;
    words.push(word);
  }
  return words;
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
  const bar = key.indexOf('|');
  const category = key.slice(0, bar);
  const words = key.slice(bar + 1).split(' ');
  const groups = [key];
  for (let length = words.length - 1; length >= COMPARABLE_MIN_PREFIX_WORDS; length -= 1) groups.push(`${category}|${words.slice(0, length).join(' ')}`);
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
  static readonly EMPTY = new ComparableReference(new Map(), 1);

  constructor(
    private readonly groups: ReadonlyMap<string, ComparableReferenceGroup>,
    readonly minComparables: number,
  ) {}

  get size(): number {
    return this.groups.size;
  }

  fairPriceOf(key: string | null): FairPrice | null {
    if (key === null || this.groups.size === 0) return null;
    for (const group of comparableGroupsOf(key)) {
      const found = this.groups.get(group);
      if (found !== undefined && found.listings >= this.minComparables) return { fairPrice: found.median, group, comparables: found.listings };
    }
    return null;
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
