import test from 'ava';
import fc from 'fast-check';
import { ComparableReference, comparableGroupsOf, comparableKeyOf, pricePositionOf, titleWords } from '#shared/gold/comparables.ts';
import { linkRelists, wordContainment, type MissingCandidate, type RelistCandidate } from '#shared/gold/relists.ts';
import { createMarket } from '#simulator/index.ts';

/** The rule as first written, with regular expressions: the one-scan `titleWords` must agree with it. */
const NOISE = new Set(
  'de del la el los las lo y e o u con sin para por en a al un una unos unas se mi su sus muy mas the and for with no si ya es vendo vende venta vendida vendido cambio cambios oferta ofertas urgente ganga chollo barato barata baratos precio negociable rebajado rebajada rebaja regalo envio envios gratis incluido incluida incluye entrega mano leer descripcion oportunidad liquido unico unica ocasion particular reservado original originales nuevo nueva nuevos nuevas estrenar precintado precintada perfecto perfecta perfectos estado buen buena buenas buenos bien impecable impecables como usado usada usados poco uso apenas funciona funcionando garantia factura caja seminuevo seminueva cuidado cuidada negro negra negros blanco blanca blancos azul azules rojo roja verde verdes gris rosa amarillo amarilla morado morada naranja marron beige plata plateado plateada oro dorado dorada granate violeta lila turquesa celeste crema script alert img src onerror svg onload title xss'.split(' '),
);
function referenceWords(title: string): string[] {
  const folded = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]+/g, '')
    .toLowerCase()
    .replace(/(\d)\s+(gb|tb|mb|mah|w|cc|kg|g|cm|mm|ml|km|cv|hp|pulgadas|mp)(?=\.*(?:[^a-z0-9.]|$))/g, '$1$2');
  return folded
    .split(/[^a-z0-9.]+/)
    .map((word) => word.replace(/^\.+|\.+$/g, ''))
    .filter((word) => word.length > 0 && !NOISE.has(word) && (word.length > 1 || /\d/.test(word)));
}

test('titleWords agrees with the regular-expression rule on the simulator’s titles (every quirk) and on random text', (t) => {
  const market = createMarket({ seed: 3, listings: 20_000, startDay: '2026-11-20' });
  const day = market.day('2026-11-20');
  for (const id of day.activeIds()) {
    const { title } = day.item(id)!;
    t.deepEqual(titleWords(title), referenceWords(title), title);
  }
  const alphabet = fc.constantFrom(...'aeiouAEIOU ñÑáéíóúÁÉÜ0123456789 .,-/"\'()!¡¿?GgBbTtWwMmLlKkCc\t\n🔥'.split(''), ' gb', ' GB', ' 128 GB', ' Pro', 'ç', 'ø', '\u00a0', '\u0301');
  fc.assert(fc.property(fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join('')), (title) => JSON.stringify(titleWords(title)) === JSON.stringify(referenceWords(title))), { numRuns: 3000 });
});

test('comparable keys: category and the first four significant words, units glued, sale talk, condition and colours dropped', (t) => {
  t.is(comparableKeyOf(24200, 'Vendo iPhone 13 Pro 256 GB azul, perfecto estado'), '24200|iphone 13 pro 256gb');
  t.is(comparableKeyOf(24200, 'URGENTE!! iPhone 13 Pro 256GB ¡REBAJADO!'), '24200|iphone 13 pro 256gb');
  t.is(comparableKeyOf(9, 'PS Vita funcionando'), '9|ps vita');
  t.is(comparableKeyOf(9, 'PlayStation 5 digital + 2 mandos'), '9|playstation 5 digital 2');
  t.is(comparableKeyOf(9, 'Bicicleta de montaña talla L <b>OFERTA</b>'), '9|bicicleta montana talla');
  t.is(comparableKeyOf(100, 'Seat Ibiza 1.0 TSI 2015'), '100|seat ibiza 1.0 tsi');
  t.is(comparableKeyOf(100, '¡¡¡ !!!'), null, 'no significant word');
  t.is(comparableKeyOf(null, 'iPhone 13'), null, 'no category');
  t.deepEqual(comparableGroupsOf('24200|iphone 13 pro 256gb'), ['24200|iphone 13 pro 256gb', '24200|iphone 13 pro', '24200|iphone 13']);
  t.deepEqual(comparableGroupsOf('9|ps vita'), ['9|ps vita']);
  t.deepEqual(comparableGroupsOf('9|bicicleta'), ['9|bicicleta']);
});

test('a fair price comes from the most specific group with enough comparables', (t) => {
  const reference = new ComparableReference(
    new Map([
      ['1|iphone 13 pro 256gb', { listings: 3, median: 600 }],
      ['1|iphone 13 pro', { listings: 12, median: 560 }],
      ['1|iphone 13', { listings: 40, median: 450 }],
    ]),
    5,
  );
  t.deepEqual(reference.fairPriceOf('1|iphone 13 pro 256gb'), { fairPrice: 560, group: '1|iphone 13 pro', comparables: 12 });
  t.deepEqual(reference.fairPriceOf('1|iphone 13 mini'), { fairPrice: 450, group: '1|iphone 13', comparables: 40 });
  t.is(reference.fairPriceOf('1|ipad air'), null);
  t.is(reference.fairPriceOf(null), null);
  t.is(pricePositionOf(80, 100), 'below');
  t.is(pricePositionOf(95, 100), 'near');
  t.is(pricePositionOf(111, 100), 'above');
  t.is(pricePositionOf(50, null), null);
});

const TODAY = 20_400;
const fresh = (listingId: string, title: string, price: number, sellerId = 'S', categoryId = 1): RelistCandidate => ({ listingId, sellerId, categoryId, title, price });
const gone = (listingId: string, title: string, price: number, sellerId = 'S', categoryId = 1, lastSeenDay = TODAY - 1): MissingCandidate => ({ ...fresh(listingId, title, price, sellerId, categoryId), lastSeenDay });

test('relists: same seller and category, the titles agree (touched up or not), a close price; one link per listing', (t) => {
  const links = linkRelists(
    [
      fresh('N1', 'URGENTE iPhone 13 128GB azul ¡REBAJADO!', 380),
      fresh('N2', 'iPhone 13 256GB azul', 400),
      fresh('N3', 'Bici de carretera talla M', 300, 'OTHER'),
      fresh('N4', 'Funda iPhone 13 silicona', 9, 'S', 2),
    ],
    [
      gone('O1', 'iPhone 13 128GB azul', 400),
      gone('O3', 'Bici de carretera talla M', 300, 'SOMEONE-ELSE'),
      gone('O4', 'Funda iPhone 13 transparente', 9, 'S', 2),
    ],
    TODAY,
  );
  t.deepEqual(links, [{ listingId: 'N1', relistedFrom: 'O1' }], 'N2 is another capacity, N3 another seller, N4 another case');
});

test('relists: the price must stay within 0.7–1.2 × the last price, the category the same', (t) => {
  const missing = [gone('O', 'Sofá tres plazas gris', 200)];
  t.is(linkRelists([fresh('N', 'Sofá tres plazas gris', 139)], missing, TODAY).length, 0, 'much cheaper: another item');
  t.is(linkRelists([fresh('N', 'Sofá tres plazas gris', 141)], missing, TODAY).length, 1);
  t.is(linkRelists([fresh('N', 'Sofá tres plazas gris', 241)], missing, TODAY).length, 0);
  t.is(linkRelists([fresh('N', 'Sofá tres plazas gris', 200, 'S', 2)], missing, TODAY).length, 0, 'another category');
  t.is(linkRelists([fresh('N', 'Sofá tres plazas gris', 200)], [{ ...missing[0]!, lastSeenDay: TODAY }], TODAY).length, 0, 'seen today beside it: a second unit');
});

test('relists: two identical units gone and one re-published make one link, to the closest price; the result does not depend on input order', (t) => {
  const freshOnes = [fresh('N', 'Silla Eames blanca', 45)];
  const missing = [gone('A', 'Silla Eames blanca', 60), gone('B', 'Silla Eames blanca', 45)];
  t.deepEqual(linkRelists(freshOnes, missing, TODAY), [{ listingId: 'N', relistedFrom: 'B' }]);
  t.deepEqual(linkRelists(freshOnes, [...missing].reverse(), TODAY), [{ listingId: 'N', relistedFrom: 'B' }]);
  const two = linkRelists([fresh('N1', 'Silla Eames blanca', 45), fresh('N2', 'Silla Eames blanca', 60)], missing, TODAY);
  t.deepEqual(two, [{ listingId: 'N1', relistedFrom: 'B' }, { listingId: 'N2', relistedFrom: 'A' }]);
  t.is(wordContainment(new Set(['a', 'b']), new Set(['a', 'b', 'c'])), 1);
  t.is(wordContainment(new Set(), new Set(['a'])), 0);
});

test('prices: what the kind of item sold for in the window, how fast, by price against its fair price, beside what is on sale', async (t) => {
  const { answerSoldPrices, matchesQuestion, questionWords } = await import('#shared/gold/sold-prices.ts');
  const { STATE_COLUMNS } = await import('#shared/gold/state.ts');
  const DAY = 20_400;
  const row = (id: string, title: string, overrides: Record<string, unknown>) =>
    ({
      ...Object.fromEntries(STATE_COLUMNS.map((column) => [column.name, null])),
      listing_id: id, day: DAY, status: 'active', first_seen_day: DAY - 10, last_seen_day: DAY, searches: ['s'], title, region: 'Comunidad de Madrid', item_id: id, comparables: 0,
      first_price: 100, min_price: 100, last_price: 100, price_change_count: 0, ...overrides,
    }) as never;
  const rows = [
    row('a', 'iPhone 13 128GB', { status: 'vanished', vanished_on: DAY, days_on_market: 4, last_price: 300, fair_price: 400 }),
    row('b', 'Vendo iPhone 13 256 GB', { status: 'vanished', vanished_on: DAY - 3, days_on_market: 9, last_price: 420, fair_price: 400, relisted_from: 'x' }),
    row('c', 'iPhone 13 128GB', { status: 'vanished', vanished_on: DAY - 40, days_on_market: 2, last_price: 100 }), // outside the 30 days
    row('d', 'iPhone 13 Pro', { status: 'vanished', vanished_on: DAY, days_on_market: 1, last_price: 600 }), // excluded word
    row('e', 'iPhone 13', { status: 'relisted', vanished_on: DAY, days_on_market: 1, last_price: 350 }), // not a sale
    row('f', 'iPhone 13 azul', { last_price: 380, fair_price: 410 }),
    row('g', 'iPhone 13', { last_price: 390, fair_price: 400, region: 'Galicia' }),
  ];
  const question = { words: questionWords('iPhone 13'), exclude: questionWords('pro'), region: 'Comunidad de Madrid' };
  t.deepEqual(question.words, ['iphone', '13']);
  const matching = rows.filter((candidate) => matchesQuestion(candidate, question));
  t.deepEqual(matching.map((candidate: { listing_id: string }) => candidate.listing_id), ['a', 'b', 'c', 'e', 'f']);
  const answer = answerSoldPrices(matching, question, DAY);
  t.like(answer.sold, { listings: 2, p25: 300, median: 300, p75: 420, medianDaysToSell: 4, relistedBeforeSelling: 1 });
  t.like(answer.byPosition, { below: { sold: 1, medianPrice: 300, medianDaysToSell: 4 }, near: { sold: 1, medianPrice: 420 }, above: { sold: 0 }, unknown: { sold: 0 } });
  t.like(answer.onSale, { listings: 1, median: 380, medianFairPrice: 410 });
});
