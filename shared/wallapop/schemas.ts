import * as v from 'valibot';

/*
 * Response shapes the client relies on, and nothing more: every object is loose so fields Wallapop
 * adds tomorrow pass through, while a moved or retyped field we read fails loudly with its path.
 * Search items are only checked to be objects: their fields are silver's business.
 */

/**
 * A JSON object, passed through untouched. Not `v.looseObject({})`: that accepts arrays (and would
 * copy every item for nothing).
 */
const RawItemSchema = v.custom<Record<string, unknown>>(
  (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
  (issue) => `expected object, got ${Array.isArray(issue.input) ? 'array' : issue.received}`,
);

const ItemsSchema = v.array(RawItemSchema);

/** `next_page` absent, null or "" all mean "no more pages". */
const NextPage = v.optional(v.nullable(v.string()));

/**
 * A search page from either endpoint. Two shapes are seen in the wild, on both endpoints: items
 * under `data.section.payload.items` with the token in `meta.next_page`, and items under
 * `data.section.items` with the token in `data.section.next_page` (docs/wallapop-api.md). Both
 * places are optional here; `readSearchPage` requires the items in one of them.
 */
export const SearchPageBodySchema = v.looseObject({
  data: v.looseObject({
    section: v.looseObject({
      type: v.optional(v.nullable(v.string())),
      payload: v.optional(v.looseObject({ items: v.optional(ItemsSchema) })),
      items: v.optional(ItemsSchema),
      next_page: NextPage,
    }),
  }),
  meta: v.optional(v.looseObject({ next_page: NextPage })),
});

/** Where a page kept its items and its continuation token. */
export interface PageShape {
  itemsAt: 'data.section.payload.items' | 'data.section.items';
  /** Null on a page without a token (the last one). */
  tokenAt: 'meta.next_page' | 'data.section.next_page' | null;
  /**
   * Paths of other fields that look like a continuation (`next`, `cursor`, `page_token`…) outside
   * the items: a token the API moved somewhere new would end the search after one page, so it is
   * reported rather than ignored.
   */
  strayTokens: string[];
  /**
   * `data.section.type` when the page says it: `organic_search_results` for results; a captured
   * /search/section answer came back as `vector_search_results` ("Similares a tu búsqueda"),
   * listings that do not match the search.
   */
  sectionType: string | null;
}

export const ORGANIC_SECTION = 'organic_search_results';

/** A page whose section says it holds something other than the search's results (null type: assumed results). */
export const isOtherSection = (shape: PageShape): boolean => shape.sectionType !== null && shape.sectionType !== ORGANIC_SECTION;

export interface SearchPageContent {
  items: Record<string, unknown>[];
  nextPage: string | null;
  shape: PageShape;
}

/**
 * Items and token of a search page, wherever the page keeps them. A body with neither items array
 * fails (naming both places), so an unknown shape can never pass for an empty last page.
 */
export function readSearchPage(body: string): ValidationResult<SearchPageContent> {
  const parsed = parseBody(SearchPageBodySchema, body);
  if (!parsed.ok) return parsed;
  const { section } = parsed.value.data;
  const payloadItems = section.payload?.items;
  const items = payloadItems ?? section.items;
  if (items === undefined) {
    return { ok: false, path: 'data.section', issues: ['data.section: expected an items array at data.section.payload.items or data.section.items, found neither'] };
  }
  const sectionToken = section.next_page || null;
  const metaToken = parsed.value.meta?.next_page || null;
  const nextPage = sectionToken ?? metaToken;
  return {
    ok: true,
    value: {
      items,
      nextPage,
      shape: {
        itemsAt: payloadItems !== undefined ? 'data.section.payload.items' : 'data.section.items',
        tokenAt: sectionToken !== null ? 'data.section.next_page' : metaToken !== null ? 'meta.next_page' : null,
        strayTokens: strayTokenPaths(parsed.value),
        sectionType: section.type ?? null,
      },
    },
  };
}

// next_page, nextPage, next_cursor, cursor, continuation_token, page_token; not meta.next_section_type (captured beside the token).
const TOKEN_LIKE = /^(next[_-]?(page|cursor|token)|\w*cursor|continuation\w*|page[_-]?token)$/i;
const KNOWN_TOKEN_PATHS = new Set(['meta.next_page', 'data.section.next_page']);

/** Non-empty string fields with a token-like name, three levels deep at most, items arrays skipped. */
function strayTokenPaths(root: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown, path: string, depth: number): void => {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || depth > 3) return;
    for (const [key, value] of Object.entries(node)) {
      const here = path === '' ? key : `${path}.${key}`;
      if (typeof value === 'string') {
        if (value !== '' && TOKEN_LIKE.test(key) && !KNOWN_TOKEN_PATHS.has(here)) found.push(here);
      } else if (key !== 'items') walk(value, here, depth + 1);
    }
  };
  walk(root, '', 0);
  return found;
}

export interface CategoryNode {
  id: number;
  name: string;
  /** Absent on roots. */
  parent_id?: number | undefined;
  /** Always an array here: leaves that omit the field get `[]`. */
  subcategories: CategoryNode[];
  [field: string]: unknown;
}

export const CategoryNodeSchema: v.GenericSchema<unknown, CategoryNode> = v.looseObject({
  id: v.number(),
  name: v.string(),
  parent_id: v.optional(v.number()),
  subcategories: v.optional(
    v.array(v.lazy(() => CategoryNodeSchema)),
    () => [],
  ),
});

/** `GET /api/v3/categories`. */
export const CategoriesSchema = v.looseObject({
  categories: v.array(CategoryNodeSchema),
});

/** `GET /api/v3/items/{id}`: a different shape from search items (`title.original`, `price.cash`). */
export const ItemDetailSchema = v.looseObject({
  id: v.string(),
  title: v.looseObject({ original: v.string() }),
  price: v.looseObject({
    cash: v.looseObject({ amount: v.number(), currency: v.string() }),
  }),
  slug: v.optional(v.string()),
});

export type ItemDetail = v.InferOutput<typeof ItemDetailSchema>;

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; path: string; issues: string[] };

/**
 * Parses a response body and validates it. Problems are rendered as `path: expected X, got Y`
 * (e.g. `data.section.payload.items: expected array, got undefined`) so an error message alone says
 * what drifted.
 */
export function parseBody<TSchema extends v.GenericSchema>(schema: TSchema, body: string): ValidationResult<v.InferOutput<TSchema>> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const issue = `(body): not JSON (${reason}; ${body.length} chars)`;
    return { ok: false, path: '(body)', issues: [issue] };
  }
  const result = v.safeParse(schema, json);
  if (result.success) return { ok: true, value: result.output };
  const issues = result.issues.map((issue) => describeIssue(schema, issue));
  const first = result.issues[0];
  return { ok: false, path: (first && v.getDotPath(first)) ?? '(root)', issues };
}

function describeIssue(root: v.GenericSchema, issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue) ?? '(root)';
  if (issue.kind !== 'schema' || issue.type === 'custom') return `${path}: ${issue.message}`;
  // A missing key is reported by valibot as "expected <key name>"; say what type belonged there.
  const missingKey = issue.received === 'undefined' && issue.expected?.startsWith('"');
  const expected = missingKey ? expectedAt(root, (issue.path ?? []).map((step) => step.key)) : issue.expected;
  return `${path}: expected ${readable(expected ?? 'a value')}, got ${clip(issue.received)}`;
}

/** The `expects` of the schema found by walking `keys` from `root` through objects, arrays and wrappers. */
function expectedAt(root: v.GenericSchema, keys: unknown[]): string | undefined {
  let schema: unknown = root;
  for (const key of keys) {
    schema = unwrap(schema);
    if (isWith(schema, 'entries') && typeof key === 'string') schema = (schema.entries as Record<string, unknown>)[key];
    else if (isWith(schema, 'item')) schema = schema.item;
    else return undefined;
  }
  schema = unwrap(schema);
  return isWith(schema, 'expects') && typeof schema.expects === 'string' ? schema.expects : undefined;
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let depth = 0; depth < 10; depth += 1) {
    if (isWith(current, 'pipe') && Array.isArray(current.pipe)) current = current.pipe[0];
    else if (isWith(current, 'wrapped')) current = current.wrapped;
    else if (isWith(current, 'getter') && typeof current.getter === 'function') current = (current.getter as (input: unknown) => unknown)(undefined);
    else return current;
  }
  return current;
}

function isWith<K extends string>(value: unknown, key: K): value is Record<K, unknown> {
  return typeof value === 'object' && value !== null && key in value;
}

function readable(expects: string): string {
  return expects.replace(/\b(Array|Object)\b/g, (word) => word.toLowerCase()).replace(/ \| undefined$/, '');
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
