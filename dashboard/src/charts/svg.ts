/**
 * Charts are drawn at build time by Observable Plot on a linkedom document and inserted into the
 * page as markup (`set:html`). This module is the only way to make that markup: it serialises the
 * DOM itself, so every text node and attribute value (a category name in an axis label, a region in
 * an aria-label) is escaped here, whatever the DOM library does; and it enforces what the strict
 * CSP needs: no <style> element (Plot adds one; its rules live in global.css), no style="" and no
 * event-handler attributes, no scripts or links.
 */

/** The subset of a DOM node the serialiser reads (linkedom's nodes have it). */
export interface SvgNode {
  nodeType: number;
  localName?: string;
  nodeValue?: string | null;
  attributes?: ArrayLike<{ name: string; value: string }>;
  childNodes: ArrayLike<SvgNode>;
}

const ELEMENT = 1;
const TEXT = 3;

/** SVG elements Plot emits that we accept. Anything else fails the build. */
const ALLOWED_ELEMENTS = new Set([
  'svg', 'g', 'path', 'line', 'rect', 'circle', 'text', 'tspan', 'title', 'desc', 'clippath', 'clipPath', 'defs', 'polyline', 'polygon', 'ellipse', 'image',
]);
/** Dropped with their content. */
const DROPPED_ELEMENTS = new Set(['style']);

const NAME = /^[a-zA-Z_:][-a-zA-Z0-9_:.]*$/;
/** Geometry attributes whose numbers keep one decimal (smaller pages, same picture). */
const GEOMETRY = new Set(['d', 'points', 'transform', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'cx', 'cy', 'r', 'width', 'height', 'dx', 'dy']);
const LONG_DECIMAL = /(\.\d)\d+/g;

export class UnsafeSvgError extends Error {
  override name = 'UnsafeSvgError';
}

export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Cuts decimals after the first (at most 0.1 px off; a plain replace is much faster than rounding). */
function roundGeometry(value: string): string {
  return value.replace(LONG_DECIMAL, '$1');
}

function serialize(node: SvgNode, out: string[]): void {
  if (node.nodeType === TEXT) {
    out.push(escapeText(node.nodeValue ?? ''));
    return;
  }
  if (node.nodeType !== ELEMENT) return; // comments and the like
  const name = node.localName ?? '';
  if (DROPPED_ELEMENTS.has(name)) return;
  if (!ALLOWED_ELEMENTS.has(name)) throw new UnsafeSvgError(`chart markup contains a <${name}> element`);
  out.push('<', name);
  const attributes = node.attributes ?? [];
  for (let i = 0; i < attributes.length; i += 1) {
    const { name: attribute, value } = attributes[i]!;
    const lower = attribute.toLowerCase();
    if (!NAME.test(attribute)) throw new UnsafeSvgError(`chart markup has an attribute named ${JSON.stringify(attribute)}`);
    if (lower === 'style') throw new UnsafeSvgError(`chart markup has a style attribute on <${name}> (the CSP blocks it): use a class`);
    if (lower.startsWith('on')) throw new UnsafeSvgError(`chart markup has an event handler attribute ${attribute}`);
    if (lower === 'href' || lower.endsWith(':href')) throw new UnsafeSvgError(`chart markup has a link (${attribute}) on <${name}>`);
    out.push(' ', attribute, '="', escapeAttribute(GEOMETRY.has(lower) ? roundGeometry(value) : value), '"');
  }
  const children = node.childNodes;
  if (children.length === 0 && name !== 'text' && name !== 'title') {
    out.push('/>');
    return;
  }
  out.push('>');
  for (let i = 0; i < children.length; i += 1) serialize(children[i]!, out);
  out.push('</', name, '>');
}

const BRAND = Symbol('SafeSvg');

/** Chart markup made by `toSafeSvg`: the only thing `Chart.astro` inserts unescaped. */
export interface SafeSvg {
  readonly [BRAND]: true;
  readonly markup: string;
  /** The chart's text alternative (also its aria-label). */
  readonly label: string;
}

/**
 * Serialises a Plot figure as safe, CSP-clean markup, with `role="img"` and `aria-label` set to the
 * chart's text alternative.
 */
export function toSafeSvg(root: SvgNode, label: string): SafeSvg {
  if (root.nodeType !== ELEMENT || root.localName !== 'svg') throw new UnsafeSvgError(`a chart must be an <svg>, not <${root.localName ?? '?'}>`);
  const element = root as SvgNode & { setAttribute(name: string, value: string): void; removeAttribute(name: string): void };
  element.setAttribute('role', 'img');
  element.setAttribute('aria-label', label);
  element.removeAttribute('aria-description');
  element.setAttribute('focusable', 'false');
  const out: string[] = [];
  serialize(root, out);
  return { [BRAND]: true, markup: out.join(''), label };
}
