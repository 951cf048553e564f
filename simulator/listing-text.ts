import type { DescriptionFamily } from './catalogue.ts';
import type { CategoryNode } from './categories.ts';
import { Random, hash3 } from './random.ts';
import { compileTemplate, expandTemplate, type Template } from './templates.ts';

/**
 * Titles and descriptions, generated on demand from a listing's origin (the listing it was first
 * published as: relists keep their text), plus the awkward text real marketplaces carry.
 *
 * Each quirk is drawn independently per listing at the rate below, so any market of a few thousand
 * listings contains every kind. Rates are shares of listings.
 */
export const TEXT_QUIRK_RATES = {
  /** UTF-8 read as Windows-1252 ("montaÃ±a"): applied to title and description, last. */
  mojibake: 0.006,
  emoji: 0.02,
  /** `<script>alert(1)</script>`, `<img src=x onerror=alert(1)>` and friends. */
  html: 0.004,
  quotes: 0.012,
  /** Stray backslashes, including a literal `\n` that is not a newline. */
  backslash: 0.004,
  /** A keyword-stuffed title of 300+ characters. */
  longTitle: 0.004,
  upperCase: 0.03,
  lowerCase: 0.08,
  /** The item carries no `description` field at all. */
  missingDescription: 0.03,
  /** The item's `images` array is empty. */
  noImages: 0.03,
  /** The item carries `discount: { previous_price, percentage }`. */
  discount: 0.02,
} as const;

export type TextQuirk = keyof typeof TEXT_QUIRK_RATES;
const QUIRKS = Object.keys(TEXT_QUIRK_RATES) as TextQuirk[];
const QUIRK_BIT = Object.fromEntries(QUIRKS.map((quirk, bit) => [quirk, 1 << bit])) as Record<TextQuirk, number>;

/** A listing's quirks as a bit set (see `hasQuirk`). */
export type QuirkMask = number;

export function hasQuirk(mask: QuirkMask, quirk: TextQuirk): boolean {
  return (mask & QUIRK_BIT[quirk]) !== 0;
}

export const STREAM = {
  product: 0x70726f64,
  title: 0x7469746c,
  description: 0x64657363,
  quirks: 0x7175726b,
} as const;

const scratch = new Random(0);

/** Which quirks a listing has, drawn from its own stream so they never shift other draws. */
export function quirksOf(seed: number, origin: number): QuirkMask {
  const random = scratch.reseed(seed, origin, STREAM.quirks);
  let mask = 0;
  for (const quirk of QUIRKS) if (random.next() < TEXT_QUIRK_RATES[quirk]) mask |= QUIRK_BIT[quirk];
  return mask;
}

const EMOJI = ['🔥', '✨', '💥', '⭐', '👌', '😍', '✅', '‼️', '💯', '👍🏽', '🎁', '⚡'];
const HTML_SNIPPETS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<b>OFERTA</b>',
  '"><svg onload=alert(1)>',
  '</title><script>alert("xss")</script>',
];
const STUFFING = [
  'envío gratis',
  'oferta',
  'urgente',
  'ganga',
  'precio negociable',
  'como nuevo',
  'original',
  'barato',
  'leer descripción',
  'no cambios',
  'entrega en mano',
  'chollo',
];

/** The title of a listing, quirks included. */
export function titleOf(seed: number, origin: number, node: CategoryNode, quirks: QuirkMask): string {
  const random = scratch.reseed(seed, origin, STREAM.title);
  const product = node.products[productIndexOf(seed, origin, node)]!;
  let title = expandTemplate(product.template, random).replace(/\s+/g, ' ').trim();

  if (hasQuirk(quirks, 'upperCase')) title = title.toUpperCase();
  else if (hasQuirk(quirks, 'lowerCase')) title = title.toLowerCase();
  if (hasQuirk(quirks, 'quotes')) {
    title = random.pick([`"${title}"`, `${title} 'como nuevo'`, `${title} "OFERTA"`, `'${title}'`]);
  }
  if (hasQuirk(quirks, 'backslash')) title = `${title} ${random.pick(['\\o/', '\\\\', '\\n envío', 'C:\\fotos'])}`;
  if (hasQuirk(quirks, 'emoji')) {
    const emoji = random.pick(EMOJI);
    title = random.chance(0.5) ? `${emoji} ${title}` : `${title} ${emoji}${random.chance(0.3) ? emoji : ''}`;
  }
  if (hasQuirk(quirks, 'html')) title = `${title} ${random.pick(HTML_SNIPPETS)}`;
  if (hasQuirk(quirks, 'longTitle')) {
    const words = [title];
    let length = title.length;
    while (length < 300 + random.int(120)) {
      const word = random.chance(0.3) ? title.split(' ')[random.int(title.split(' ').length)]! : random.pick(STUFFING);
      words.push(word);
      length += word.length + 1;
    }
    title = words.join(' ');
  }
  if (hasQuirk(quirks, 'mojibake')) title = mojibake(title);
  return title;
}

/**
 * How sellers touch up a title when they re-publish a listing: a shouted word, a condition, a
 * trimmed last word. Edit 0 is no edit; 1 … TITLE_EDITS are the kinds below.
 */
export const TITLE_EDITS = 5;

export function editTitle(title: string, edit: number): string {
  switch (edit) {
    case 1:
      return `${title} ¡REBAJADO!`;
    case 2:
      return `${title} como nuevo`;
    case 3:
      return `URGENTE ${title}`;
    case 4: {
      const words = title.split(' ');
      return words.length >= 4 ? words.slice(0, -1).join(' ') : `${title} impecable`;
    }
    case 5:
      return `${title} (negociable)`;
    default:
      return title;
  }
}

/** Which of the node's products a listing is: drawn first on its own stream, so price and title agree. */
export function productIndexOf(seed: number, origin: number, node: CategoryNode): number {
  if (!node.productPicker) throw new Error(`category ${node.id} (${node.name}) sells nothing`);
  return node.productPicker.at(hash3(seed, origin, STREAM.product) / 4294967296);
}

const INTRO = compileTemplate(
  '{Vendo|Se vende|Vendo por no usar|Vendo por mudanza|Vendo por cambio de modelo|A la venta|Pongo a la venta|Liquido}',
);
const CONDITION = compileTemplate(
  '{En perfecto estado.|Como nuevo, apenas usado.|En buen estado, con algunas marcas de uso normales.|Nuevo, sin estrenar.|Funciona perfectamente.|Tiene algún arañazo pero funciona bien.|Muy cuidado.|Estado impecable.}',
);
const FAMILY_DETAILS: Record<DescriptionFamily, Template> = {
  tech: compileTemplate('{Incluye caja y cargador.|Batería al {85|88|91|95|100}%.|Libre de fábrica.|Con factura y garantía hasta {2025|2026|2027}.|Sin golpes ni arañazos.|Se entrega formateado.}'),
  vehicle: compileTemplate('{ITV pasada hasta {2025|2026|2027}.|Libro de mantenimiento al día.|{45.000|80.000|120.000|150.000|210.000} km reales.|Siempre en garaje.|Correa de distribución cambiada.|Único dueño.|Transferencia incluida.}'),
  parts: compileTemplate('{Compatible con varios modelos, preguntad.|Desmontado de coche en buen estado.|Original, no copia.|Con tornillería.}'),
  fashion: compileTemplate('{Solo me lo he puesto una vez.|Talla un poco grande.|Sin manchas ni roturas.|Con etiqueta.|Lavado y listo para usar.}'),
  home: compileTemplate('{Medidas en las fotos.|Hay que desmontarlo.|Recogida en domicilio, {segundo|tercero} sin ascensor.|Casa sin mascotas ni humo.}'),
  appliance: compileTemplate('{Funciona perfectamente, lo cambio por uno más grande.|Eficiencia energética A+++.|Con libro de instrucciones.|Se puede ver funcionando.}'),
  sport: compileTemplate('{Usado dos o tres veces.|Perfecto para empezar.|Lo vendo por lesión.|Nuevo con etiqueta.}'),
  bike: compileTemplate('{Revisada recientemente en taller.|Cubiertas nuevas.|Frenos de disco hidráulicos.|Cambio Shimano de {9|10|11|12} velocidades.|Tubeless.}'),
  media: compileTemplate('{Leído una vez.|Sin subrayar.|Buen estado, las esquinas algo gastadas.|Edición descatalogada.}'),
  kids: compileTemplate('{Lo vendo porque ya no lo usa.|Muy bien cuidado.|Con todos sus accesorios.|Homologado.}'),
  collectible: compileTemplate('{Pieza original.|Para coleccionistas.|Conservado en funda.|Procedente de herencia.}'),
  tools: compileTemplate('{Poco uso, uso doméstico.|Con maletín y accesorios.|Funciona perfectamente.|Sobrante de obra.}'),
  realEstate: compileTemplate('{Exterior y muy luminoso.|Cerca de colegios y transporte público.|Gastos de comunidad bajos.|Abstenerse agencias.}'),
  job: compileTemplate('{Incorporación inmediata.|Horario de mañanas.|Se valora experiencia.|Contrato de {media jornada|jornada completa}.}'),
  service: compileTemplate('{Presupuesto sin compromiso.|Experiencia de más de 10 años.|Disponibilidad fines de semana.|Precio por hora.}'),
  other: compileTemplate('{Todo en buen estado.|Lo que veis en las fotos.|Recoger en mano.}'),
};
const DELIVERY = compileTemplate(
  '{Entrega en mano en %CITY%.|Hago envíos.|Solo entrega en mano.|Envío por Wallapop.|Zona %CITY% centro.|Envío a toda España.}',
);
const CLOSING = compileTemplate(
  '{Precio negociable.|No acepto cambios.|Precio fijo.|No respondo a ofertas ridículas.|Pregunta sin compromiso.|Cualquier duda, escribidme.||}',
);

/** The description, or undefined for a listing that has none (the quirk `missingDescription`). */
export function descriptionOf(
  seed: number,
  origin: number,
  node: CategoryNode,
  cityName: string,
  title: string,
  quirks: QuirkMask,
): string | undefined {
  if (hasQuirk(quirks, 'missingDescription')) return undefined;
  const random = scratch.reseed(seed, origin, STREAM.description);
  const cleanTitle = hasQuirk(quirks, 'mojibake') ? unMojibake(title) : title;
  const sentences = [
    `${expandTemplate(INTRO, random)} ${cleanTitle.length > 80 ? 'lo de la foto' : cleanTitle.toLowerCase()}.`,
    expandTemplate(CONDITION, random),
    expandTemplate(FAMILY_DETAILS[node.family], random),
    expandTemplate(DELIVERY, random).replaceAll('%CITY%', cityName),
    expandTemplate(CLOSING, random),
  ].filter((sentence) => sentence.length > 0);
  let description = sentences.join(random.chance(0.3) ? '\n' : ' ');
  if (hasQuirk(quirks, 'html') && random.chance(0.5)) description += `\n${random.pick(HTML_SNIPPETS)}`;
  if (hasQuirk(quirks, 'emoji')) description += ` ${random.pick(EMOJI)}`;
  return hasQuirk(quirks, 'mojibake') ? mojibake(description) : description;
}

/** Windows-1252 characters for bytes 0x80–0x9F; the five bytes it leaves undefined stay as C1 controls. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Text as it looks after UTF-8 bytes were decoded as Windows-1252: "ñ" → "Ã±", "é" → "Ã©". */
export function mojibake(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) out += byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  return out;
}

function unMojibake(text: string): string {
  const bytes: number[] = [];
  for (const char of text) {
    const high = CP1252_HIGH.indexOf(char);
    bytes.push(high >= 0 ? 0x80 + high : char.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Lower case without accents or other marks: how keywords and titles are compared. */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** `iphone-13-128gb-azul`: the title part of a web slug. */
export function slugOf(title: string): string {
  const slug = foldForSearch(title)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= 60) return slug;
  const cut = slug.slice(0, 60);
  return cut.slice(0, cut.lastIndexOf('-') > 20 ? cut.lastIndexOf('-') : 60);
}
