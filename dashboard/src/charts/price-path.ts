/**
 * A listing's asking price over time as a step line: flat while the price held, a step on the day
 * it changed, a dot at each known change. Drawn by hand rather than with Plot: a build has a page
 * per listing (thousands), and this costs microseconds where a Plot figure costs milliseconds.
 * The markup still goes through `toSafeSvg` (escaping, the CSP's rules).
 */
import { dayNumber, dayOfNumber } from '../../../shared/lake/days.ts';
import { fmt, fmtDay } from '../data/format.ts';
import { COLORS, WIDTH } from './charts.ts';
import { toSafeSvg, type SafeSvg, type SvgNode } from './svg.ts';

class SvgElement implements SvgNode {
  readonly nodeType = 1;
  readonly childNodes: SvgNode[] = [];
  private readonly attributeMap = new Map<string, string>();
  constructor(readonly localName: string, attributes: Record<string, string | number> = {}, children: Array<SvgNode | string> = []) {
    for (const [name, value] of Object.entries(attributes)) this.attributeMap.set(name, String(value));
    for (const child of children) this.childNodes.push(typeof child === 'string' ? { nodeType: 3, nodeValue: child, childNodes: [] } : child);
  }
  get attributes(): Array<{ name: string; value: string }> {
    return [...this.attributeMap].map(([name, value]) => ({ name, value }));
  }
  setAttribute(name: string, value: string): void {
    this.attributeMap.set(name, value);
  }
  removeAttribute(name: string): void {
    this.attributeMap.delete(name);
  }
}

const el = (name: string, attributes: Record<string, string | number> = {}, children: Array<SvgNode | string> = []) => new SvgElement(name, attributes, children);

/** Round steps for the price axis: 1, 2 or 5 times a power of ten. */
function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = raw / power;
  return (multiple <= 1 ? 1 : multiple <= 2 ? 2 : multiple <= 5 ? 5 : 10) * power;
}

export interface PricePathInput {
  /** `[day, price]` oldest first: the price from that day on. */
  prices: ReadonlyArray<readonly [string, number]>;
  /** The last day the line reaches (today, or the day the listing was found gone). */
  through: string;
  label: string;
}

export function pricePathChart({ prices, through, label }: PricePathInput): SafeSvg {
  const height = 200;
  const margin = { top: 12, right: 16, bottom: 28, left: 72 };
  const first = dayNumber(prices[0]![0]);
  const last = Math.max(dayNumber(through), dayNumber(prices[prices.length - 1]![0]), first + 1);
  const top = Math.max(...prices.map(([, price]) => price));
  const step = niceStep(top > 0 ? top : 1, 4);
  const yMax = Math.ceil((top > 0 ? top * 1.05 : 1) / step) * step;
  const x = (day: number) => margin.left + ((day - first) / (last - first)) * (WIDTH - margin.left - margin.right);
  const y = (price: number) => margin.top + (1 - price / yMax) * (height - margin.top - margin.bottom);

  const children: SvgNode[] = [];
  // Prices from zero: a drop looks as big as it is.
  for (let value = 0; value <= yMax + step / 2; value += step) {
    children.push(el('line', { x1: margin.left, x2: WIDTH - margin.right, y1: y(value), y2: y(value), stroke: COLORS.grid }));
    children.push(el('text', { x: margin.left - 6, y: y(value), 'text-anchor': 'end', 'dominant-baseline': 'middle', fill: 'currentColor' }, [fmt.eurWhole(value)]));
  }
  const tickDays = [...new Set([first, Math.round((first + last) / 2), last])];
  for (const day of tickDays) {
    children.push(el('text', { x: x(day), y: height - 8, 'text-anchor': day === first ? 'start' : day === last ? 'end' : 'middle', fill: 'currentColor' }, [fmtDay.short(dayOfNumber(day))]));
  }
  let d = '';
  prices.forEach(([day, price], index) => {
    const at = x(dayNumber(day));
    d += index === 0 ? `M${at},${y(price)}` : `H${at}V${y(price)}`;
  });
  d += `H${x(last)}`;
  children.push(el('path', { d, fill: 'none', stroke: COLORS.blue, 'stroke-width': 2.5 }));
  for (const [day, price] of prices) children.push(el('circle', { cx: x(dayNumber(day)), cy: y(price), r: 4, fill: COLORS.blue }));
  const svg = el('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, 'font-size': 12, class: 'price-path' }, children);
  return toSafeSvg(svg, label);
}
