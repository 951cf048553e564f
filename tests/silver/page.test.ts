import test from 'ava';
import fc from 'fast-check';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeEnvelope, looksTruncated, oneByteJsonText, parseSearchBody } from '#shared/silver/page.ts';
import { encodeEnvelope } from '#shared/extract/envelope.ts';
import { CLOUDFRONT_403, encode, envelope, makeItem, random, searchBody } from '../helpers/bronze-fixtures.ts';

const items = [makeItem(random(1)), makeItem(random(2))];

test('finds items on both endpoints', (t) => {
  const search = parseSearchBody(searchBody(items, 'search'), 200, 'application/json');
  t.true(search.ok && search.path === 'data.section.payload.items' && search.items.length === 2);
  const section = parseSearchBody(searchBody(items, 'section'), 200, 'application/json; charset=utf-8');
  t.true(section.ok && section.path === 'data.section.items' && section.items.length === 2);
  const empty = parseSearchBody(searchBody([], 'search'), 200, 'application/json');
  t.true(empty.ok && empty.items.length === 0);
});

test('classifies each kind of bad page', (t) => {
  const reason = (body: string, status = 200, contentType: string | null = 'application/json') => {
    const result = parseSearchBody(body, status, contentType);
    return result.ok ? 'ok' : result.reason;
  };
  t.is(reason(CLOUDFRONT_403, 403, 'text/html'), 'html-page');
  t.is(reason(CLOUDFRONT_403, 200, null), 'html-page');
  t.is(reason('{"message":"Too Many Requests"}', 429), 'http-error');
  const full = searchBody(items);
  t.is(reason(full.slice(0, Math.floor(full.length * 0.6))), 'truncated-json');
  t.is(reason('{"data":{"section":{"payload":{"items":[{"title":"a \\'), 'truncated-json');
  t.is(reason('Service Unavailable'), 'not-json');
  t.is(reason(''), 'not-json');
  t.is(reason('{"a":1} trailing'), 'not-json');
  t.is(reason('{"data":{"section":{"type":"organic_search_results"}}}'), 'no-items');
  t.is(reason('{"search_objects":[]}'), 'no-items');
  t.is(reason('[]'), 'no-items');
});

test('truncation detection tracks strings and nesting', (t) => {
  t.true(looksTruncated('{"a":"}'));
  t.true(looksTruncated('[{"a":[1,2]},'));
  t.false(looksTruncated('{"a":"}"}x'));
  t.false(looksTruncated('hello'));
});

test('decodes envelopes; rejects what is not one', (t) => {
  const decoded = decodeEnvelope(encode(envelope('2026-11-24', 'ps5', 2, { body: '{}', fetchedAt: '2026-11-24T06:00:00.000Z' })));
  t.true(decoded.ok);
  if (decoded.ok) {
    t.is(decoded.envelope.page, 2);
    t.is(decoded.envelope.fetchedAtMs, Date.parse('2026-11-24T06:00:00.000Z'));
  }
  t.true(decodeEnvelope(new TextEncoder().encode(JSON.stringify(envelope('2026-11-24', 'ps5', 1, { body: '{}' })))).ok, 'plain JSON is accepted');
  t.false(decodeEnvelope(Uint8Array.from([0x1f, 0x8b, 1, 2, 3])).ok);
  t.false(decodeEnvelope(gzipSync('not json')).ok);
  t.false(decodeEnvelope(gzipSync('{"envelopeVersion":2}')).ok);
  const badTime = envelope('2026-11-24', 'ps5', 1, { body: '{}', fetchedAt: 'yesterday' });
  t.false(decodeEnvelope(encode(badTime)).ok);
});

test('gunzip sized from the gzip trailer gives the same text and the same errors as a plain gunzip', (t) => {
  const plain = (bytes: Uint8Array): { ok: true; text: string } | { ok: false; detail: string } => {
    try {
      return { ok: true, text: new TextDecoder().decode(gunzipSync(bytes)) };
    } catch (error) {
      return { ok: false, detail: `cannot gunzip: ${(error as Error).message}` };
    }
  };
  const text = JSON.stringify(envelope('2026-11-24', 'ps5', 1, { body: searchBody(Array.from({ length: 40 }, (_, i) => makeItem(random(i)))) }));
  const whole = gzipSync(text);
  // Two gzip members: the trailer states only the last one's length (a wrong hint must not matter).
  const members = Buffer.concat([gzipSync(text.slice(0, 1000)), gzipSync(text.slice(1000))]);
  const decoded = decodeEnvelope(whole);
  t.true(decoded.ok);
  t.deepEqual(decodeEnvelope(members), decoded);
  // A trailer that lies (too small, zero, huge) changes nothing either.
  for (const isize of [1, 0, 0xffffffff, 100]) {
    const lying = Buffer.from(whole);
    lying.writeUInt32LE(isize, lying.length - 4);
    const result = decodeEnvelope(lying);
    const expected = plain(lying);
    if (expected.ok) t.deepEqual(result, decoded);
    else t.is(result.ok ? 'ok' : result.detail, expected.detail);
  }
  // Truncated and corrupted streams fail with zlib's own message, as before.
  for (const broken of [whole.subarray(0, whole.length - 9), whole.subarray(0, 30), Buffer.concat([whole.subarray(0, 40), Buffer.alloc(40, 7), whole.subarray(80)])]) {
    const result = decodeEnvelope(broken);
    const expected = plain(broken);
    t.false(result.ok);
    t.false(expected.ok);
    if (!result.ok && !expected.ok) t.is(result.detail, expected.detail);
  }
});

test('property: decodeEnvelope reads any gzip page as a plain gunzip would', (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.integer({ min: 0, max: 9 }), (body, level) => {
      const text = JSON.stringify(envelope('2026-11-24', 'ps5', 1, { body }));
      const decoded = decodeEnvelope(gzipSync(text, { level }));
      return decoded.ok && decoded.envelope.body === body;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

/** What the envelope used to be parsed from: the whole text decoded as UTF-8. */
const parseDecoded = (bytes: Uint8Array): { value: unknown } | { error: true } => {
  try {
    return { value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch {
    return { error: true };
  }
};
const parseOneByte = (bytes: Uint8Array): { value: unknown } | { error: true } => {
  try {
    return { value: JSON.parse(oneByteJsonText(bytes)) };
  } catch {
    return { error: true };
  }
};

test('the one-byte JSON text parses to what the decoded text parses to, or fails where it fails: any text, broken UTF-8, a byte-order mark, characters outside strings', (t) => {
  const utf8 = new TextEncoder();
  const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
  const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));
  const text = fc.string({ unit: fc.oneof(fc.constantFrom('é', 'ñ', '€', '😀', '\uFEFF', '\u00FF', '\u0100', '"', '\\', 'x'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 30 });
  fc.assert(
    fc.property(
      fc.dictionary(text, fc.oneof(text, fc.integer(), fc.array(text, { maxLength: 3 }))),
      fc.uint8Array({ min: 0x80, max: 0xff, maxLength: 8 }),
      fc.constantFrom('none', 'start', 'inside'),
      (object, broken, byteOrderMark) => {
        const json = JSON.stringify({ ...object, broken: '@' });
        const at = json.lastIndexOf('@');
        // Bytes that are not UTF-8, inside a string; a byte-order mark at the start or inside one.
        let bytes = join(utf8.encode(json.slice(0, at)), broken, byteOrderMark === 'inside' ? bom : new Uint8Array(), utf8.encode(json.slice(at + 1)));
        if (byteOrderMark === 'start') bytes = join(bom, bytes);
        t.deepEqual(parseOneByte(bytes), parseDecoded(bytes));
        // A character above U+00FF outside any string is an error both ways.
        const outside = utf8.encode(`${json.slice(0, -1)},"k":1😀}`);
        t.deepEqual(parseOneByte(outside), { error: true });
        t.deepEqual(parseDecoded(outside), { error: true });
      },
    ),
    { numRuns: 400 },
  );
  t.is(oneByteJsonText(utf8.encode('{"t":"Silla 😀 20€ año"}')), '{"t":"Silla \\ud83d\\ude00 20\\u20ac año"}');
});

/** What silver takes from a decoded envelope, with the body read (a version 2 body is decoded when first read). */
const factsOf = (result: ReturnType<typeof decodeEnvelope>) => (result.ok ? { ...result.envelope, body: result.envelope.body, bodyJson: undefined } : result);
/** What classifying the body gives: the same items (as JSON) or the same reason and detail. */
const classified = (result: ReturnType<typeof parseSearchBody>) => (result.ok ? { path: result.path, items: JSON.stringify(result.items) } : result);

test('envelope version 2 (a line of envelope, then the body as received) reads as version 1 does: the same facts, body and classification', (t) => {
  const bodies = [
    searchBody(items),
    searchBody([{ ...makeItem(random(3)), title: 'Silla 😀 20€ año "nueva" \\ ok' }], 'section'),
    CLOUDFRONT_403.replace('</', '😀</'),
    searchBody(items).slice(0, 300),
    '\uFEFF{"data":{"section":{"items":[]}}}',
    '',
    'line one\nline two\r\n{"a":1}',
    // A raw backslash before a character above U+00FF is an invalid escape, not "\\u20ac".
    '{"data":{"section":{"items":["\\€", "\\\\€", "\\😀"]}}}',
    '{"data":{"section":{"items":["\\\\€"]}}}',
    // Whitespace above U+00FF before an HTML page.
    '\u2003<html><body>blocked</body></html>',
    '  \uFEFF<html>',
  ];
  for (const body of bodies) {
    for (const status of [200, 403]) {
      const v1 = envelope('2026-11-24', 'ps5', 3, { body, status, fetchedAt: '2026-11-24T06:00:00.000Z' });
      const v2 = { ...v1, envelopeVersion: 2 as const };
      const stored = encodeEnvelope(v2);
      const text = gunzipSync(stored).toString('utf8');
      t.is(text.slice(0, text.indexOf('\n')), JSON.stringify({ ...v2, body: undefined }), 'the first line is the envelope without its body');
      t.is(text.slice(text.indexOf('\n') + 1), body, 'then the body, as it came');
      const [one, two] = [decodeEnvelope(encode(v1)), decodeEnvelope(stored)];
      t.deepEqual(factsOf(two), factsOf(one));
      if (one.ok && two.ok) t.deepEqual(classified(parseSearchBody(two.envelope, 200, 'application/json')), classified(parseSearchBody(one.envelope.body, 200, 'application/json')), body.slice(0, 40));
    }
  }
});

test('property: any body survives envelope version 2 byte for byte, and classifies as its text does', (t) => {
  const piece = fc.oneof(fc.constantFrom('é', 'ñ', '€', '😀', '\uFEFF', '\n', '\r', '"', '\\', '<', '{', '}', '[', ']', ':', ','), fc.string({ maxLength: 4 }));
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }).map((parts) => parts.join('')), fc.constantFrom('application/json', 'text/html', null), (body, contentType) => {
      const decoded = decodeEnvelope(encodeEnvelope({ ...envelope('2026-11-24', 'ps5', 1, { body, contentType }), envelopeVersion: 2 }));
      if (!decoded.ok) return false;
      t.is(decoded.envelope.body, body);
      t.deepEqual(classified(parseSearchBody(decoded.envelope, 200, contentType)), classified(parseSearchBody(body, 200, contentType)));
      return true;
    }),
    { numRuns: 300 },
  );
});

test('a version 2 envelope that is not one is refused, naming the field', (t) => {
  const good = { ...envelope('2026-11-24', 'ps5', 1, { body: '{}' }), envelopeVersion: 2 as const };
  const badTime = decodeEnvelope(encodeEnvelope({ ...good, response: { ...good.response, fetchedAt: 'yesterday' } }));
  t.false(badTime.ok);
  if (!badTime.ok) t.regex(badTime.detail, /response\.fetchedAt: must be an ISO-8601 time/);
  const bodyInHeader = decodeEnvelope(gzipSync(`${JSON.stringify({ ...good, body: '{}' })}\n{}`));
  t.false(bodyInHeader.ok);
  if (!bodyInHeader.ok) t.regex(bodyInHeader.detail, /^not a bronze envelope: body:/);
  const noKind = decodeEnvelope(gzipSync(`${JSON.stringify({ ...good, kind: 'item', body: undefined })}\n{}`));
  t.false(noKind.ok);
  if (!noKind.ok) t.regex(noKind.detail, /^not a bronze envelope: kind:/);
  // A first line that is not JSON, or a version 1 layout with another version's number, is read as version 1 and refused as such.
  t.false(decodeEnvelope(gzipSync('{"envelopeVersion":2,\n"kind":"search-page"}')).ok);
  t.false(decodeEnvelope(gzipSync(JSON.stringify(good))).ok);
});
