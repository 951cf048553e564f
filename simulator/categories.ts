import { CATALOGUE, type DescriptionFamily, type NodeSpec, type RootSpec } from './catalogue.ts';
import { WeightedIndex, type Random } from './random.ts';
import { compileTemplate, type Template } from './templates.ts';

export interface TaxonomyEntry {
  id: number;
  name: string;
  icon: string;
}

export interface ProductLine {
  /** The title template as written in the catalogue: the product's name in ground truth. */
  name: string;
  template: Template;
  medianEur: number;
}

export interface CategoryNode {
  /** Position in pre-order: a node's descendants are exactly the indices in (index, subtreeEnd). */
  index: number;
  subtreeEnd: number;
  id: number;
  name: string;
  icon: string;
  verticalId: string;
  parentIndex: number;
  /** 1 for roots. */
  depth: number;
  rootIndex: number;
  childIndices: number[];
  /** Root first, this node last: the search item's `taxonomy`. */
  path: TaxonomyEntry[];
  products: ProductLine[];
  productPicker: WeightedIndex | undefined;
  sigma: number;
  shippable: number;
  family: DescriptionFamily;
}

/** The category tree as served by `GET /api/v3/categories`. */
export interface CategoryJson {
  id: number;
  name: string;
  vertical_id: string;
  icon: string;
  parent_id?: number;
  subcategories: CategoryJson[];
}

export class CategoryTree {
  readonly nodes: CategoryNode[] = [];
  readonly roots: CategoryNode[] = [];
  /** Nodes that receive listings, and the picker that spreads listings over them. */
  readonly assignable: CategoryNode[] = [];
  private readonly assignablePicker: WeightedIndex;
  private readonly byId = new Map<number, CategoryNode>();

  constructor(catalogue: readonly RootSpec[] = CATALOGUE) {
    const explicitIds = new Set<number>();
    const collectIds = (spec: NodeSpec): void => {
      if (spec.id !== undefined) {
        if (explicitIds.has(spec.id)) throw new Error(`category id ${spec.id} is used twice in the catalogue`);
        explicitIds.add(spec.id);
      }
      spec.children?.forEach(collectIds);
    };
    catalogue.forEach(collectIds);

    // Generated ids count up from here in pre-order, stepping over the hand-assigned ones, so they
    // are stable for as long as the catalogue is.
    let nextId = 9_001;
    const generateId = (): number => {
      while (explicitIds.has(nextId)) nextId += 1;
      return nextId++;
    };

    const listingWeights: number[] = [];
    for (const root of catalogue) {
      const firstAssignable = this.assignable.length;
      const rootWeights: number[] = [];
      const add = (spec: NodeSpec, parent: CategoryNode | undefined, weight: number): void => {
        const index = this.nodes.length;
        const id = spec.id ?? generateId();
        const icon = root.icon;
        const sigma = spec.sigma ?? parent?.sigma ?? root.sigma;
        const node: CategoryNode = {
          index,
          subtreeEnd: index + 1,
          id,
          name: spec.name,
          icon,
          verticalId: root.verticalId,
          parentIndex: parent?.index ?? -1,
          depth: (parent?.depth ?? 0) + 1,
          rootIndex: parent?.rootIndex ?? index,
          childIndices: [],
          path: [...(parent?.path ?? []), { id, name: spec.name, icon }],
          products: (spec.products ?? []).map(([title, medianEur]) => ({ name: title, template: compileTemplate(title), medianEur })),
          productPicker: spec.products?.length ? new WeightedIndex(spec.products.map((product) => product[2] ?? 1)) : undefined,
          sigma,
          shippable: root.shippable,
          family: root.family,
        };
        this.nodes.push(node);
        this.byId.set(id, node);
        parent?.childIndices.push(index);
        if (!parent) this.roots.push(node);
        const ownWeight = weight * (spec.weight ?? 1);
        if (node.products.length > 0) {
          this.assignable.push(node);
          rootWeights.push(ownWeight);
        }
        spec.children?.forEach((child) => add(child, node, ownWeight));
        node.subtreeEnd = this.nodes.length;
      };
      add(root, undefined, 1);
      const rootTotal = rootWeights.reduce((sum, weight) => sum + weight, 0);
      if (rootTotal === 0) throw new Error(`root ${root.name} has no category that sells anything`);
      rootWeights.forEach((weight) => listingWeights.push((root.share * weight) / rootTotal));
      if (this.assignable.length === firstAssignable) throw new Error(`root ${root.name} has no products`);
    }
    this.assignablePicker = new WeightedIndex(listingWeights);
  }

  byCategoryId(id: number): CategoryNode | undefined {
    return this.byId.get(id);
  }

  node(index: number): CategoryNode {
    const node = this.nodes[index];
    if (!node) throw new RangeError(`no category node at index ${index}`);
    return node;
  }

  /** The node index a new listing is filed under. */
  pickListingCategory(random: Random): number {
    return this.assignable[this.assignablePicker.pick(random)]!.index;
  }

  /** `{ categories: [...] }` exactly as the API serves it. */
  toJson(): { categories: CategoryJson[] } {
    const render = (node: CategoryNode): CategoryJson => ({
      id: node.id,
      name: node.name,
      vertical_id: node.verticalId,
      icon: node.icon,
      ...(node.parentIndex >= 0 ? { parent_id: this.nodes[node.parentIndex]!.id } : {}),
      subcategories: node.childIndices.map((child) => render(this.nodes[child]!)),
    });
    return { categories: this.roots.map(render) };
  }
}

let sharedTree: CategoryTree | undefined;

/** The tree is pure data and identical for every market, so it is built once per process. */
export function categoryTree(): CategoryTree {
  sharedTree ??= new CategoryTree();
  return sharedTree;
}
