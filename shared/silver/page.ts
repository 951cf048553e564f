import { gunzipSync } from 'node:zlib';
import * as v from 'valibot';
import type { BronzeEnvelope } from '../lake/bronze.ts';
import type { PageQuarantineReason } from './quarantine.ts';

/**
 * One bronze object → its envelope → the items of the Wallapop body, or the reason it has none.
 * Pure: bytes in, result out. The raw text lives only inside one call, so the stage never holds
 * more than the page it is on.
 */

const ENVELOPE_ENTRIES = {
  kind: v.picklist(['search-page', 'categories']),
  day: v.string(),
  search: v.optional(v.string()),
  page: v.optional(v.pipe(v.number(), v.integer())),
  request: v.looseObject({ endpoint: v.string() }),
  response: v.looseObject({
    status: v.pipe(v.number(), v.integer()),
    contentType: v.optional(v.nullable(v.string())),
    fetchedAt: v.pipe(
      v.string(),
      v.check((text) => Number.isFinite(Date.parse(text)), 'must be an ISO-8601 time'),
    ),
  }),
};
/** Version 1: the whole envelope, its body a JSON string. */
const EnvelopeSchema = v.looseObject({ envelopeVersion: v.literal(1), ...ENVELOPE_ENTRIES, body: v.string() });
/** Version 2: the first line, the envelope without its body (the body's bytes follow the line). */
const EnvelopeHeaderSchema = v.looseObject({ envelopeVersion: v.literal(2), ...ENVELOPE_ENTRIES });

/** The parts of an envelope silver uses. */
export interface EnvelopeFacts {
  kind: BronzeEnvelope['kind'];
  day: string;
  search: string | null;
  page: number | null;
  endpoint: string;
  status: number;
  contentType: string | null;
  fetchedAtMs: number;
  /** The response text exactly as received (of a version 2 envelope, decoded when first read: quarantine and error details need it). */
  readonly body: string;
  /**
   * The same JSON as `body`, as the text JSON.parse reads fastest (oneByteJsonText): what silver
   * parses. It parses exactly when `body` does, to the same value.
   */
  readonly bodyJson: string;
}

export type EnvelopeResult = { ok: true; envelope: EnvelopeFacts } | { ok: false; detail: string; text: string };

const decoder = new TextDecoder();

/** gzip magic number: bronze is gzip, but a plain JSON object is accepted rather than quarantined. */
const isGzip = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Larger outputs than this are inflated in the default chunks rather than one buffer sized up front. */
const MAX_SIZED_GUNZIP = 16 << 20;

/**
 * gunzip into one buffer sized from the gzip trailer (ISIZE: the uncompressed length mod 2^32).
 * By default zlib inflates in 16 KB chunks and concatenates them, a second copy of every page; a
 * buffer one byte larger than the output lets it finish in a single pass. ISIZE is only a hint (a
 * corrupt or multi-member file may state anything): zlib still reads the real stream, so the bytes
 * and errors are those of a plain gunzipSync.
 */
export function gunzipBronze(bytes: Uint8Array): Buffer {
  const isize = bytes.length >= 18 ? (bytes[bytes.length - 4]! | (bytes[bytes.length - 3]! << 8) | (bytes[bytes.length - 2]! << 16) | (bytes[bytes.length - 1]! << 24)) >>> 0 : 0;
  return isize > 0 && isize < MAX_SIZED_GUNZIP ? gunzipSync(bytes, { chunkSize: Math.max(64, isize + 1) }) : gunzipSync(bytes);
}

/**
 * UTF-8 JSON text as a string V8 keeps one byte per character, for JSON.parse: the same value as
 * parsing the decoded text. A string holds one byte per character only while every character is
 * at most U+00FF; one emoji or euro sign in a title (about half of the pages) made the whole
 * ~100 KB envelope two-byte, slower to decode and to parse. ASCII bytes are copied as they are
 * (as Latin-1), each run of other bytes is decoded as UTF-8 (the decoder's own rules: U+FFFD for
 * a broken sequence, a byte-order mark dropped only at the start) and its characters above U+00FF
 * written as JSON escapes (\uXXXX), which mean the same inside a JSON string and are an error
 * outside one, as the raw character is.
 */
export function oneByteJsonText(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return text.replace(NON_ASCII_RUN, (run: string, offset: number) => {
    const decoded = (offset === 0 ? decoder : decoderKeepingBom).decode(bytes.subarray(offset, offset + run.length));
    // After an unpaired backslash a raw character is an invalid escape; \uXXXX would make it a
    // valid one (text that is not JSON would parse). Such text is not JSON either way: kept raw.
    return escapesNext(text, offset) ? decoded : escapeAboveLatin1(decoded);
  });
}

/** Whether the character at `offset` follows an odd number of backslashes. */
function escapesNext(text: string, offset: number): boolean {
  let backslashes = 0;
  while (offset - backslashes > 0 && text.charCodeAt(offset - backslashes - 1) === BACKSLASH) backslashes += 1;
  return backslashes % 2 === 1;
}

const BACKSLASH = 0x5c;

const NON_ASCII_RUN = /[\x80-\xff]+/g;
const decoderKeepingBom = new TextDecoder('utf-8', { ignoreBOM: true });

function escapeAboveLatin1(text: string): string {
  let escaped = '';
  let from = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code <= 0xff) continue;
    escaped += `${text.slice(from, index)}\\u${code.toString(16).padStart(4, '0')}`;
    from = index + 1;
  }
  return from === 0 ? text : escaped + text.slice(from);
}

/** A stored bronze object (`BronzeEnvelope`, either layout of ../lake/bronze.ts), decoded and checked. */
export function decodeEnvelope(bytes: Uint8Array): EnvelopeResult {
  let raw: Uint8Array;
  try {
    raw = isGzip(bytes) ? gunzipBronze(bytes) : bytes;
  } catch (error) {
    return { ok: false, detail: `cannot gunzip: ${(error as Error).message}`, text: Buffer.from(bytes.subarray(0, 512)).toString('base64') };
  }
  return decodeVersion2(raw) ?? decodeVersion1(raw);
}

const NEWLINE = 0x0a;
const OPENING_BRACE = 0x7b;
const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf] as const;

/**
 * A version 2 object: its first line is JSON naming envelope version 2. Undefined when it is not
 * one (version 1 is one line of JSON, which holds no raw newline), so the version 1 reader says why.
 */
function decodeVersion2(raw: Uint8Array): EnvelopeResult | undefined {
  if (raw[0] !== OPENING_BRACE) return undefined;
  const lineEnd = raw.indexOf(NEWLINE);
  if (lineEnd < 0) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(oneByteJsonText(raw.subarray(0, lineEnd)));
  } catch {
    return undefined;
  }
  if (typeof header !== 'object' || header === null || (header as { envelopeVersion?: unknown }).envelopeVersion !== 2) return undefined;
  const headerText = () => decoder.decode(raw.subarray(0, lineEnd)).slice(0, 4096);
  if ('body' in header) return { ok: false, detail: 'not a bronze envelope: body: a version 2 envelope keeps its body after its first line, not in it', text: headerText() };
  const parsed = v.safeParse(EnvelopeHeaderSchema, header);
  if (!parsed.success) return invalid(parsed.issues, headerText());
  const bodyBytes = raw.subarray(lineEnd + 1);
  // A body that starts with a byte-order mark keeps it, as a JSON parser sees it (oneByteJsonText drops one at the start).
  const startsWithMark = BYTE_ORDER_MARK.every((byte, index) => bodyBytes[index] === byte);
  let text: string | undefined;
  const exactText = () => (text ??= decoderKeepingBom.decode(bodyBytes));
  const bodyJson = startsWithMark ? exactText() : oneByteJsonText(bodyBytes);
  const envelope = parsed.output;
  return {
    ok: true,
    envelope: {
      ...factsOf(envelope),
      get body() {
        return exactText();
      },
      bodyJson,
    },
  };
}

function decodeVersion1(raw: Uint8Array): EnvelopeResult {
  let json: unknown;
  try {
    json = JSON.parse(oneByteJsonText(raw));
  } catch {
    // The escaped text fails exactly where the decoded one does; the message and the quarantined text are the decoded one's.
    const text = decoder.decode(raw);
    try {
      json = JSON.parse(text);
    } catch (error) {
      return { ok: false, detail: `the envelope is not JSON: ${(error as Error).message}`, text };
    }
  }
  const parsed = v.safeParse(EnvelopeSchema, json);
  if (!parsed.success) return invalid(parsed.issues, decoder.decode(raw).slice(0, 4096));
  const envelope = parsed.output;
  return { ok: true, envelope: { ...factsOf(envelope), body: envelope.body, bodyJson: envelope.body } };
}

function invalid(issues: readonly v.BaseIssue<unknown>[], text: string): EnvelopeResult {
  const issue = issues[0]!;
  const where = issue.path?.map((item) => item.key).join('.') ?? '(root)';
  return { ok: false, detail: `not a bronze envelope: ${where}: ${issue.message}`, text };
}

function factsOf(envelope: v.InferOutput<typeof EnvelopeHeaderSchema> | v.InferOutput<typeof EnvelopeSchema>): Omit<EnvelopeFacts, 'body' | 'bodyJson'> {
  return {
    kind: envelope.kind,
    day: envelope.day,
    search: envelope.search ?? null,
    page: envelope.page ?? null,
    endpoint: envelope.request.endpoint,
    status: envelope.response.status,
    contentType: envelope.response.contentType ?? null,
    fetchedAtMs: Date.parse(envelope.response.fetchedAt),
  };
}

/** Where the two search endpoints put their items (see docs: /search vs /search/section). */
export type ItemsPath = 'data.section.payload.items' | 'data.section.items';

const PayloadItems = v.looseObject({
  data: v.looseObject({ section: v.looseObject({ payload: v.looseObject({ items: v.array(v.unknown()) }) }) }),
});
const SectionItems = v.looseObject({
  data: v.looseObject({ section: v.looseObject({ items: v.array(v.unknown()) }) }),
});

export type BodyResult =
  | { ok: true; items: unknown[]; path: ItemsPath }
  | { ok: false; reason: Exclude<PageQuarantineReason, 'page-missing' | 'invalid-envelope' | 'envelope-mismatch'>; detail: string };

/** A response body: its exact text, and the text to parse it from (EnvelopeFacts' `body` and `bodyJson`). */
export type ResponseBody = string | Pick<EnvelopeFacts, 'body' | 'bodyJson'>;

/**
 * Classifies a search response body (with its HTTP status and content type) and finds its items.
 * Only a body that fails needs its exact text (for the detail): an envelope's is read then.
 */
export function parseSearchBody(body: ResponseBody, status: number, contentType: string | null): BodyResult {
  const exact = () => (typeof body === 'string' ? body : body.body);
  const jsonText = typeof body === 'string' ? body : body.bodyJson;
  // The parse text starts as the exact text does, but for whitespace above U+00FF (an escape there, which no JSON starts with).
  const head = jsonText.trimStart();
  const html = head.startsWith('<') || (head.startsWith('\\') && exact().trimStart().startsWith('<'));
  if (html || (contentType ?? '').toLowerCase().includes('html')) {
    return { ok: false, reason: 'html-page', detail: `HTTP ${status} with an HTML body (a block or error page), ${exact().length} characters` };
  }
  if (status < 200 || status > 299) {
    return { ok: false, reason: 'http-error', detail: `HTTP ${status}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(jsonText);
  } catch (error) {
    const text = exact();
    const message = jsonErrorOf(text, { text: jsonText, error });
    if (looksTruncated(text.trimStart())) return { ok: false, reason: 'truncated-json', detail: `the JSON ends early after ${text.length} characters: ${message}` };
    return { ok: false, reason: 'not-json', detail: text.length === 0 ? 'empty body' : `not JSON: ${message}` };
  }
  const payload = v.safeParse(PayloadItems, json);
  if (payload.success) return { ok: true, items: payload.output.data.section.payload.items, path: 'data.section.payload.items' };
  const section = v.safeParse(SectionItems, json);
  if (section.success) return { ok: true, items: section.output.data.section.items, path: 'data.section.items' };
  return { ok: false, reason: 'no-items', detail: 'JSON without an items array at data.section.payload.items or data.section.items' };
}

/**
 * JSON.parse's message for a body's exact text (whose positions the detail reports), given how its
 * parse text failed: the same string's own error, or the exact text parsed again for its message.
 */
export function jsonErrorOf(text: string, failed: { text: string; error: unknown }): string {
  if (failed.text === text) return (failed.error as Error).message;
  try {
    JSON.parse(text);
    return 'JSON.parse accepted it';
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * True when `text` opens a JSON object or array that is still open (or inside a string) when the
 * text ends: the signature of a cut-off response, as opposed to JSON that is wrong in the middle.
 */
export function looksTruncated(text: string): boolean {
  if (!text.startsWith('{') && !text.startsWith('[')) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) return false;
    }
  }
  return depth > 0 || inString;
}
