import * as v from 'valibot';

/**
 * The day's category tree as a lookup: id → name and path from the root. Built from the body of
 * the categories snapshot (`{ categories: [{ id, name, subcategories: [...] }] }`). The walk is
 * tolerant: a node that is not `{ id, name }` is skipped (with its subtree) and counted, so one
 * odd node does not cost every row its category.
 */

export const CATEGORY_PATH_SEPARATOR = ' > ';

export interface CategoryEntry {
  name: string;
  path: string;
}

export interface CategoryIndex {
  get(categoryId: number): CategoryEntry | undefined;
  readonly size: number;
  /** Nodes that were not `{ id, name }`, or repeated an id already seen (first in tree order wins). */
  readonly skippedNodes: number;
}

const NodeSchema = v.looseObject({
  id: v.union([
    v.pipe(v.number(), v.integer()),
    v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number)),
  ]),
  name: v.pipe(v.string(), v.minLength(1)),
  subcategories: v.optional(v.nullable(v.array(v.unknown()))),
});

const TreeSchema = v.looseObject({ categories: v.array(v.unknown()) });

/** The documented depth is 5; anything much deeper is a malformed (or cyclic) tree, not data. */
const MAX_DEPTH = 12;

export class CategoryTreeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CategoryTreeError';
  }
}

/** Indexes a parsed categories body. Throws `CategoryTreeError` when there is no `categories` array at all. */
export function indexCategories(body: unknown): CategoryIndex {
  const tree = v.safeParse(TreeSchema, body);
  if (!tree.success) throw new CategoryTreeError('the categories body has no `categories` array');
  const entries = new Map<number, CategoryEntry>();
  let skippedNodes = 0;

  const walk = (nodes: readonly unknown[], parentPath: string, depth: number): void => {
    for (const raw of nodes) {
      const node = v.safeParse(NodeSchema, raw);
      if (!node.success || depth > MAX_DEPTH || entries.has(node.output.id)) {
        skippedNodes += 1;
        continue;
      }
      const { id, name, subcategories } = node.output;
      const path = parentPath ? `${parentPath}${CATEGORY_PATH_SEPARATOR}${name}` : name;
      entries.set(id, { name, path });
      if (subcategories) walk(subcategories, path, depth + 1);
    }
  };
  walk(tree.output.categories, '', 1);

  return {
    get: (categoryId) => entries.get(categoryId),
    size: entries.size,
    skippedNodes,
  };
}

/** An index that knows no category: used when the day's snapshot is missing or broken. */
export const EMPTY_CATEGORY_INDEX: CategoryIndex = { get: () => undefined, size: 0, skippedNodes: 0 };
