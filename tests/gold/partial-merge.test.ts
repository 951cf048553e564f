import test from 'ava';
import fc from 'fast-check';
import type { ListingCard } from '#shared/gold/dashboard.ts';
import { canonicalJson } from '#shared/lake/json.ts';
import { DIMENSIONS, emptyGroup, emptyGroups, emptyLists, mergeAllPartials, mergePartials, type ComparableAggregate, type GoldPartial } from '#shared/gold/partial.ts';
import { CARD_FIELDS, PARTIAL_VERSION, cardOfValues, cardValues, decodePartial, encodePartial } from '#shared/gold/partial-file.ts';
import { LIST_DIMENSIONS, LIST_NAMES, candidateCount, compareRanked, rankKey } from '#shared/gold/rankings.ts';
import { rankFactsOfCard } from '#shared/gold/partial.ts';
import { QuantileSketch } from '#shared/gold/sketch.ts';
import { resolveGoldOptions, shardSettingsOf } from '#shared/gold/options.ts';

/**
 * The fan-in merges all partials in one pass (`mergeAllPartials`); `mergePartials` is the pairwise
 * merge whose fold defines the result. Random partials here are built the way shards build them
 * (disjoint listings, each list its group's N first in rank order), with few distinct prices,
 * dates and days on market so that rank keys tie and only the listing id decides.
 */

const settings = shardSettingsOf(resolveGoldOptions({ topN: 4, topNPerCategory: 2 }));
/** What partials before version 4 were computed under (and decode as). */
const legacySettings = { ...settings, dealRule: 'category-median' as const };
const DAY = '2026-11-21';

const cardArbitrary = fc.record({
  title: fc.option(fc.string({ maxLength: 6 })),
  price: fc.integer({ min: 1, max: 6 }),
  priceDropPct: fc.option(fc.constantFrom(5, 12.5, 40)),
  createdAt: fc.option(fc.constantFrom('2026-10-01T00:00:00.000Z', '2026-10-02T08:30:00.000Z', '2026-11-20T23:59:59.999Z')),
  daysOnMarket: fc.option(fc.integer({ min: 0, max: 3 })),
  categoryId: fc.option(fc.constantFrom(100, 200)),
  region: fc.option(fc.constantFrom('R1', 'R2')),
  searches: fc.subarray(['north', 'south']),
  fairPrice: fc.option(fc.constantFrom(4, 8, 12)),
  relisted: fc.boolean(),
  province: fc.option(fc.constantFrom('P1', 'Córdoba')),
  listedPreviousPrice: fc.option(fc.constantFrom(7, 9.5)),
  priceChangeCount: fc.nat(4),
});

const comparableArbitrary = fc.record({
  key: fc.constantFrom('100|iphone 13', '100|iphone 13 pro', '200|bici'),
  active: fc.nat(5),
  seen: fc.array(fc.integer({ min: 0, max: 900 }), { maxLength: 5 }),
  sold: fc.array(fc.tuple(fc.integer({ min: 0, max: 900 }), fc.nat(9)), { maxLength: 3 }),
});

const groupArbitrary = fc.record({
  label: fc.option(fc.constantFrom('Coches', 'Motos')),
  active: fc.nat(50),
  seen: fc.nat(50),
  priceSumCents: fc.nat(100_000),
  priceMin: fc.option(fc.integer({ min: 1, max: 9 })),
  priceMax: fc.option(fc.integer({ min: 10, max: 99 })),
  prices: fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.5, max: 1e5, noNaN: true })), { maxLength: 12 }),
  drops: fc.array(fc.double({ min: 0.5, max: 90, noNaN: true }), { maxLength: 4 }),
  daysOnMarket: fc.array(fc.tuple(fc.nat(5), fc.integer({ min: 1, max: 3 })), { maxLength: 3 }),
  sold: fc.nat(5),
  relisted: fc.nat(3),
  untracked: fc.nat(3),
  soldPrices: fc.array(fc.double({ min: 0.5, max: 1e4, noNaN: true }), { maxLength: 4 }),
  byPosition: fc.array(fc.tuple(fc.constantFrom('below', 'near', 'above'), fc.nat(5)), { maxLength: 3 }),
});

const GROUP_KEYS = { overall: [''], category: ['c100', 'c200', 'c'], region: ['R1', 'R2'], province: ['["R1","P1"]', '["R1",null]'], city: ['R1|x'], search: ['north', 'south'] } as const;

const partialArbitrary = fc.record({
  cards: fc.array(cardArbitrary, { maxLength: 14 }),
  groups: fc.array(fc.tuple(fc.constantFrom(...DIMENSIONS), fc.nat(2), groupArbitrary), { maxLength: 8 }),
  listKeys: fc.array(fc.tuple(fc.constantFrom(...LIST_NAMES), fc.nat(2), fc.nat(2)), { maxLength: 10 }),
  silverRows: fc.dictionary(fc.constantFrom('north', 'south'), fc.nat(1000)),
  comparables: fc.array(comparableArbitrary, { maxLength: 4 }),
});

type PartialSpec = typeof partialArbitrary extends fc.Arbitrary<infer T> ? T : never;

/**
 * A partial as a shard builds it. `legacy`: only what a version 1–3 partial could say (no
 * relists, sales apart from vanished, comparables or fair prices; the category-median rule).
 * `beforeProvinces`: only what a version 4 partial could say (no province groups or card fields).
 * `beforeChangeCounts`: only what a version 5 partial could say (no price change counts on cards).
 */
function buildPartial(shard: number, spec: PartialSpec, legacy = false, beforeProvinces = legacy, beforeChangeCounts = beforeProvinces): GoldPartial {
  const listings = new Map<string, ListingCard>();
  spec.cards.forEach(({ fairPrice, relisted, province, listedPreviousPrice, priceChangeCount, ...card }, index) => {
    const listingId = `s${shard}-${index % 3 === 0 ? 'a' : 'b'}${index}`;
    listings.set(listingId, {
      listingId,
      ...card,
      priceChangeCount: beforeChangeCounts ? null : priceChangeCount,
      province: beforeProvinces ? null : province,
      listedPreviousPrice: beforeProvinces ? null : listedPreviousPrice,
      sellerId: legacy ? null : `seller-${index % 2}`,
      itemId: relisted && !legacy ? `first-${listingId}` : listingId,
      relistedFrom: relisted && !legacy ? `old-${listingId}` : null,
      fairPrice: legacy ? null : fairPrice,
      fairPriceGroup: legacy || fairPrice === null ? null : '100|iphone 13',
      comparables: legacy || fairPrice === null ? 0 : 9,
      priceBeforeChange: null,
      priceChangedOn: null,
      firstPrice: card.price,
      minPrice: card.price,
      currency: 'EUR',
      status: card.daysOnMarket === null ? 'active' : 'vanished',
      firstSeenDay: DAY,
      lastSeenDay: DAY,
      vanishedOn: null,
      daysListed: 0,
      isReserved: null,
      isShippable: true,
      categoryName: null,
      city: null,
      listingUrl: `https://example.test/${listingId}`,
      imageUrl: null,
    });
  });
  const groups = emptyGroups();
  for (const [dimension, keyIndex, spec_] of spec.groups) {
    if (beforeProvinces && dimension === 'province') continue;
    const keys = GROUP_KEYS[dimension];
    const group = emptyGroup();
    Object.assign(group, { label: spec_.label, active: spec_.active, seen: spec_.seen, priceSumCents: spec_.priceSumCents, priceMin: spec_.priceMin, priceMax: spec_.priceMax });
    for (const price of spec_.prices) group.prices.add(price);
    for (const drop of spec_.drops) group.dropPcts.add(drop);
    for (const [days, count] of spec_.daysOnMarket) group.daysOnMarket.set(days, (group.daysOnMarket.get(days) ?? 0) + count);
    if (legacy) {
      // Before relists every vanished listing counted as sold.
      group.daysToSell = new Map(group.daysOnMarket);
    } else {
      Object.assign(group, { sold: spec_.sold, relisted: spec_.relisted, untracked: spec_.untracked });
      for (const price of spec_.soldPrices) group.soldPrices.add(price);
      for (const [days, count] of spec_.daysOnMarket) group.daysToSell.set(days + 1, count);
      for (const [position, days] of spec_.byPosition) group.daysToSellByPosition[position].set(days, (group.daysToSellByPosition[position].get(days) ?? 0) + 1);
    }
    groups[dimension].set(keys[keyIndex % keys.length]!, group);
  }
  const comparables = new Map<string, ComparableAggregate>();
  for (const item of legacy ? [] : spec.comparables) {
    const found = comparables.get(item.key) ?? { active: 0, seenCents: [], soldCents: [], soldDays: [] };
    found.active += item.active;
    found.seenCents.push(...item.seen);
    for (const [cents, days] of item.sold) {
      found.soldCents.push(cents);
      found.soldDays.push(days);
    }
    comparables.set(item.key, found);
  }
  const partialSettings = legacy ? legacySettings : settings;
  // Each list: the N first of some of this shard's listings, in rank order (what a shard writes).
  const lists = emptyLists();
  const referenced = new Set<string>();
  const ids = [...listings.keys()];
  for (const [list, dimensionIndex, variant] of spec.listKeys) {
    const dimensions = LIST_DIMENSIONS[list];
    const dimension = dimensions[dimensionIndex % dimensions.length]!;
    const keys = GROUP_KEYS[dimension];
    const key = keys[variant % keys.length]!;
    const chosen = ids.filter((_, index) => (index + variant) % 2 === 0 || variant === 2);
    const ranked = chosen.map((listingId) => ({ listingId, key: rankKey(list, rankFactsOfCard(listings.get(listingId)!), partialSettings.dealRule) })).sort(compareRanked);
    const top = ranked.slice(0, candidateCount(list, dimension, partialSettings)).map((entry) => entry.listingId);
    lists[list][dimension]!.set(key, top);
    for (const id of top) referenced.add(id);
  }
  return {
    day: DAY,
    shardCount: 8,
    shards: [shard],
    previousDay: '2026-11-20',
    settings: partialSettings,
    inputs: { silverRows: spec.silverRows, previousStateRows: spec.cards.length, stateRows: spec.cards.length + 1, expiredRows: shard % 2 },
    groups,
    lists,
    listings: new Map([...listings].filter(([id]) => referenced.has(id))),
    comparables,
  };
}

const partialsOf = (legacy: boolean, beforeProvinces = legacy, beforeChangeCounts = beforeProvinces) =>
  fc
    .array(partialArbitrary, { minLength: 1, maxLength: 6 })
    .chain((specs) => fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6, 7], { minLength: specs.length, maxLength: specs.length }).map((shards) => specs.map((spec, index) => buildPartial(shards[index]!, spec, legacy, beforeProvinces, beforeChangeCounts))));
const partialsArbitrary = partialsOf(false);
const legacyPartialsArbitrary = partialsOf(true);
const version4PartialsArbitrary = partialsOf(false, true);
const version5PartialsArbitrary = partialsOf(false, false, true);

const fold = (partials: readonly GoldPartial[]) => partials.reduce((merged, partial) => mergePartials(merged, partial));

test('merging all partials in one pass gives exactly the pairwise fold', (t) => {
  fc.assert(
    fc.property(partialsArbitrary, (partials) => {
      const reference = encodePartial(fold(partials));
      // The same bytes, and (through the decoded form) the same in-memory partial.
      return encodePartial(mergeAllPartials(partials)) === reference && encodePartial(mergeAllPartials([...partials].reverse())) === reference;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('one-pass merges nest: merging merged groups gives the same partial', (t) => {
  fc.assert(
    fc.property(partialsArbitrary, fc.nat(), (partials, split) => {
      const at = 1 + (split % Math.max(1, partials.length - 1));
      if (partials.length < 2) return true;
      const nested = mergeAllPartials([mergeAllPartials(partials.slice(0, at)), mergeAllPartials(partials.slice(at))]);
      return encodePartial(nested) === encodePartial(mergeAllPartials(partials));
    }),
    { numRuns: 150 },
  );
  t.pass();
});

test('mergeAllPartials refuses what mergePartials refuses', (t) => {
  const spec = { cards: [], groups: [], listKeys: [], silverRows: {}, comparables: [] };
  const a = buildPartial(1, spec);
  t.throws(() => mergeAllPartials([a, buildPartial(2, spec), buildPartial(1, spec)]), { message: /count them twice/ });
  t.throws(() => mergeAllPartials([a, { ...buildPartial(2, spec), day: '2026-11-22' }]), { message: /different day/ });
  t.throws(() => mergeAllPartials([]), { message: /no partials/ });
  t.is(mergeAllPartials([a]), a);
});

test('a list out of rank order is refused: the merge reads each list only as far as it needs', (t) => {
  const [specs] = fc.sample(
    fc.tuple(partialArbitrary, partialArbitrary).filter(([x]) => [...buildPartial(0, x).lists.newest.overall!.values()].some((ids) => ids.length >= 2)),
    { numRuns: 1, seed: 11 },
  );
  const a = buildPartial(0, specs![0]);
  const b = buildPartial(1, specs![1]);
  const newest = new Map([...a.lists.newest.overall!].map(([key, ids]) => [key, ids.length >= 2 ? [...ids].reverse() : ids]));
  t.throws(() => mergeAllPartials([{ ...a, lists: { ...a.lists, newest: { ...a.lists.newest, overall: newest } } }, b]), { message: /list newest of overall .* is not in rank order/ });
});

test('a partial file is one JSON document: a canonical header line, then one card per line', (t) => {
  fc.assert(
    fc.property(partialsArbitrary, (partials) => {
      const merged = mergeAllPartials(partials);
      const text = encodePartial(merged);
      const file = JSON.parse(text) as { partialVersion: number; header: { candidates: unknown[][] }; cards: unknown[][] };
      const lines = text.split('\n');
      return (
        file.partialVersion === PARTIAL_VERSION &&
        lines[0] === `{"partialVersion":${PARTIAL_VERSION},"header":${canonicalJson(file.header).slice(0, -1)},"cards":[` &&
        lines.length === merged.listings.size + 3 &&
        file.cards.every((card, index) => card[0] === file.header.candidates[index]![0] && lines[index + 1] === JSON.stringify(card) + (index < file.cards.length - 1 ? ',' : '')) &&
        encodePartial(decodePartial(text)) === text &&
        encodePartial(decodePartial(new TextEncoder().encode(text))) === text
      );
    }),
    { numRuns: 100 },
  );
  t.pass();
});

test('merging partials read from their files (cards decoded only when kept) gives the same partial', (t) => {
  fc.assert(
    fc.property(partialsArbitrary, (partials) => {
      const read = partials.map((partial) => decodePartial(encodePartial(partial)));
      const reference = encodePartial(mergeAllPartials(partials));
      return encodePartial(mergeAllPartials(read)) === reference && encodePartial(mergeAllPartials([mergeAllPartials(read.slice(0, 2)), ...read.slice(2)])) === reference;
    }),
    { numRuns: 100 },
  );
  t.pass();
});

test('a damaged partial file is refused with its name', (t) => {
  const [partials] = fc.sample(partialsArbitrary.filter((list) => mergeAllPartials(list).listings.size >= 2), { numRuns: 1, seed: 7 });
  const text = encodePartial(mergeAllPartials(partials!));
  const lines = text.split('\n');
  t.throws(() => decodePartial(lines.slice(0, 2).join('\n'), 'shard=003.json'), { message: /shard=003\.json is cut short/ });
  t.throws(() => decodePartial(text.slice(0, text.indexOf(',"cards":[')), 'shard=003.json'), { message: /shard=003\.json is cut short/ });
  t.throws(() => decodePartial(`${text}{}`, 'shard=003.json'), { message: /does not end after its/ });
  const mislabelled = [lines[0], lines[1]!.replace(/^\["[^"]*"/, '["someone-else"'), ...lines.slice(2)].join('\n');
  const partial = decodePartial(mislabelled, 'shard=003.json');
  t.throws(() => [...partial.listings.values()], { message: /shard=003\.json: card 1 is not the card of/ });
  t.throws(() => decodePartial('{"partialVersion":7}', 'shard=003.json'), { message: /partialVersion 7, expected 6/ });
  t.throws(() => decodePartial('<html>', 'shard=003.json'), { message: /shard=003\.json: it is not JSON/ });
});

test('cards are stored and read in CARD_FIELDS order, and built with their keys sorted', (t) => {
  const values = CARD_FIELDS.map((field) => `value of ${field}`);
  const card = cardOfValues('id-1', values);
  // Sorted keys let canonicalJson hand the day file's cards to JSON.stringify without copying them.
  t.deepEqual(Object.keys(card), ['listingId', ...CARD_FIELDS].sort());
  for (const field of CARD_FIELDS) t.is(card[field] as unknown, `value of ${field}`);
  t.deepEqual(cardValues(card), values);
});

/**
 * A partial's file as an earlier lined version wrote it: version 5 without the cards' change counts,
 * version 4 also without provinces (groups and card fields).
 */
function olderLinedVersion(text: string, version: 4 | 5): string {
  const fields = version === 4 ? 30 : 32;
  const file = JSON.parse(text) as { header: Record<string, unknown> & { groups: Record<string, unknown> }; cards: unknown[][] };
  const { province: _province, ...groupsWithoutProvinces } = file.header.groups;
  const header = { ...file.header, groups: version === 4 ? groupsWithoutProvinces : file.header.groups, cardFields: CARD_FIELDS.slice(0, fields) };
  const cards = file.cards.map((card) => JSON.stringify(card.slice(0, fields + 1)));
  return `{"partialVersion":${version},"header":${canonicalJson(header).slice(0, -1)},"cards":[\n${cards.length === 0 ? '' : `${cards.join(',\n')}\n`}]}\n`;
}

for (const [version, arbitrary, without] of [
  [5, version5PartialsArbitrary, 'no price change counts'],
  [4, version4PartialsArbitrary, 'no provinces, no change counts'],
] as const) {
  test(`version ${version} partials still read (${without}) and merge with current ones`, (t) => {
    fc.assert(
      fc.property(arbitrary, (partials) => {
        const current = encodePartial(mergeAllPartials(partials));
        const mixed = partials.map((partial, index) => decodePartial(index % 2 === 0 ? olderLinedVersion(encodePartial(partial), version) : encodePartial(partial)));
        return encodePartial(decodePartial(olderLinedVersion(current, version))) === current && encodePartial(mergeAllPartials(mixed)) === current;
      }),
      { numRuns: 50 },
    );
    t.pass();
  });
}

/** The version 3 file of a legacy partial's version 5 file: the same lines without what versions 4 and 5 added. */
function versionThreeOf(text: string): string {
  const file = JSON.parse(text) as { header: Record<string, unknown> & { groups: Record<string, Record<string, Record<string, unknown>>>; candidates: unknown[][]; settings: Record<string, unknown> }; cards: unknown[][] };
  const { comparables: _comparables, ...header } = file.header;
  for (const groups of Object.values(header.groups)) {
    for (const group of Object.values(groups)) for (const field of ['sold', 'relisted', 'untracked', 'soldPrices', 'daysToSell', 'daysToSellByPosition']) delete group[field];
  }
  const { topN, topNPerCategory, dealMinPrice, vanishedRetentionDays } = header.settings;
  const old = { ...header, settings: { topN, topNPerCategory, dealMinPrice, vanishedRetentionDays }, cardFields: CARD_FIELDS.slice(0, 24), candidateFields: ['listingId', 'price', 'priceDropPct', 'createdAtMs', 'daysOnMarket'], candidates: header.candidates.map((row) => row.slice(0, 5)) };
  const cards = file.cards.map((card) => JSON.stringify(card.slice(0, 25)));
  return `{"partialVersion":3,"header":${canonicalJson(old).slice(0, -1)},"cards":[\n${cards.length === 0 ? '' : `${cards.join(',\n')}\n`}]}\n`;
}

/** The version 2 file of the partial a version 3 file holds: one canonical object, cards by listing id. */
function versionTwoOf(text: string): Record<string, unknown> & { sketch: { encoding: string }; groups: Record<string, Record<string, Record<string, unknown>>> } {
  const file = JSON.parse(text) as { header: Record<string, unknown>; cards: unknown[][] };
  const { candidates: _candidates, candidateFields: _fields, ...header } = file.header;
  return { ...(header as ReturnType<typeof versionTwoOf>), partialVersion: 2, listings: Object.fromEntries(file.cards.map(([id, ...values]) => [id, values])) };
}

test('version 3 and 2 partials still read, as partials computed under the category-median rule, and merge with each other', (t) => {
  fc.assert(
    fc.property(legacyPartialsArbitrary, (partials) => {
      const v4 = encodePartial(mergeAllPartials(partials));
      const v3 = versionThreeOf(v4);
      const mixed = partials.map((partial, index) => {
        const file = versionThreeOf(encodePartial(partial));
        return decodePartial(index % 2 === 0 ? canonicalJson(versionTwoOf(file)) : file);
      });
      return encodePartial(decodePartial(v3)) === v4 && encodePartial(decodePartial(canonicalJson(versionTwoOf(v3)))) === v4 && encodePartial(mergeAllPartials(mixed)) === v4;
    }),
    { numRuns: 50 },
  );
  t.pass();
});

test('version 1 partials (DDSketch protobuf sketches) still read', (t) => {
  const partial = buildPartial(
    3,
    {
      cards: [],
      groups: [['category', 0, { label: 'Coches', active: 3, seen: 2, priceSumCents: 500, priceMin: 2, priceMax: 30, prices: [0, 2, 3.5, 30], drops: [10], daysOnMarket: [[1, 2]], sold: 0, relisted: 0, untracked: 0, soldPrices: [], byPosition: [] }]],
      listKeys: [],
      silverRows: { north: 2 },
      comparables: [],
    },
    true,
  );
  const v4 = encodePartial(partial);
  const json = versionTwoOf(versionThreeOf(v4));
  json.partialVersion = 1;
  json.sketch.encoding = 'protobuf+base64';
  for (const group of Object.values(json.groups.category!)) {
    for (const field of ['prices', 'dropPcts']) group[field] = group[field] === null ? null : QuantileSketch.fromBins(group[field] as never).encode();
  }
  t.is(encodePartial(decodePartial(canonicalJson(json))), v4);
  json.sketch.encoding = 'bins';
  t.throws(() => decodePartial(canonicalJson(json)), { message: /stores sketches as bins/ });
});

test('sketch bins round-trip and give the same protobuf', (t) => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e7, noNaN: true })), { maxLength: 60 }), (values) => {
      const sketch = new QuantileSketch();
      for (const value of values) sketch.add(value);
      const back = QuantileSketch.fromBins(JSON.parse(JSON.stringify(sketch.toBins())));
      return back.count === sketch.count && (sketch.count === 0 || back.encode() === sketch.encode());
    }),
  );
  t.throws(() => QuantileSketch.fromBins({ zeroCount: 0, offset: 3, counts: [1, -1] }), { instanceOf: RangeError });
});

/** The canonical form as first written (key-sorted entries, recursively): the reference for the faster writer. */
function referenceCanonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return value === undefined || typeof value === 'function' || typeof value === 'symbol' ? 'null' : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => referenceCanonical(item === undefined ? null : item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined && typeof record[key] !== 'function')
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${referenceCanonical(record[key])}`).join(',')}}`;
}

test('canonicalJson writes keys sorted at every depth, whatever the shapes', (t) => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('a', 'b', '10', '9', 'é', '"')), tie('value'), { maxKeys: 5 }),
  })).value;
  fc.assert(
    fc.property(fc.array(json, { maxLength: 6 }), (values) => {
      // Many objects of one shape, as a writer's shape cache sees them.
      const value = { values, again: values.map((item) => ({ x: item, a: 1, m: [item] })) };
      return canonicalJson(value) === `${referenceCanonical(value)}\n`;
    }),
    { numRuns: 300 },
  );
  t.is(canonicalJson({ b: undefined, a: () => 1 }), '{}\n');
  t.is(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] }, { pretty: true }), '{\n  "a": [\n    1,\n    {\n      "c": 3,\n      "d": 2\n    }\n  ],\n  "b": 1\n}\n');
});
