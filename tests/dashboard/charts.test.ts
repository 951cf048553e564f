/**
 * Charts are the one place the dashboard inserts markup (set:html): the serialiser must escape
 * every data-derived string (a category named `<img src=x onerror=alert(1)>` in an axis label or
 * the aria-label) and emit nothing the strict CSP blocks.
 */
import test from 'ava';
import { parseHTML } from 'linkedom';
import { barChart, describeSeries, lineChart, priceBandChart } from '../../dashboard/src/charts/charts.ts';
import { toSafeSvg, UnsafeSvgError, type SvgNode } from '../../dashboard/src/charts/svg.ts';
import { cspViolations } from '../../scripts/dashboard-build.ts';
import { HOSTILE } from '../../fixtures/gold-dashboard/generate.ts';

const days = Array.from({ length: 40 }, (_, i) => new Date(Date.UTC(2026, 9, 16 + i)).toISOString().slice(0, 10));

function parse(markup: string) {
  return parseHTML(`<!doctype html><html><body><div id="root">${markup}</div></body></html>`).document;
}

test('a hostile name in a chart label comes out escaped, as text', (t) => {
  const label = `Categorías: ${HOSTILE.imgTitle} y ${HOSTILE.scriptTitle} "comillas" & más`;
  const chart = barChart({
    rows: [
      { label: HOSTILE.imgTitle, value: 30 },
      { label: HOSTILE.scriptTitle, value: 20 },
      { label: 'Niños y bebés 🚲', value: 10 },
    ],
    format: 'count',
    label,
  });
  t.true(chart.markup.includes('&lt;img src=x onerror=alert(1)&gt;'));
  t.true(chart.markup.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  t.false(chart.markup.includes('<img'));
  t.false(chart.markup.includes('<script'));
  t.deepEqual(cspViolations(chart.markup), []);

  const document = parse(chart.markup);
  t.is(document.querySelectorAll('img').length, 0);
  t.is(document.querySelectorAll('script').length, 0);
  const svg = document.querySelector('svg')!;
  t.is(svg.getAttribute('role'), 'img');
  t.is(svg.getAttribute('aria-label'), label, 'the text alternative survives escaping intact');
  const texts = [...document.querySelectorAll('text')].map((node) => node.textContent);
  t.true(texts.includes(HOSTILE.imgTitle), 'the label reads literally');
  t.true(texts.includes(HOSTILE.scriptTitle));
  t.true(texts.includes('Niños y bebés 🚲'));
});

test('chart markup is CSP-clean: Plot\'s <style> is dropped, no style or event attributes, compact numbers', (t) => {
  const values = days.map((_, i) => (i === 10 ? null : 1000 + Math.sin(i / 3) * 123.456789));
  const charts = [
    lineChart({ days, lines: [{ label: 'activos', values, color: '#1d4f91' }], format: 'count', label: 'activos' }),
    lineChart({
      days,
      lines: [
        { label: 'nuevos', values, color: '#17693a' },
        { label: 'desaparecidos', values: values.map((v) => (v === null ? null : v / 2)), color: '#a3361a' },
      ],
      format: 'count',
      label: 'flujos',
    }),
    priceBandChart({ days, p10: values.map((v) => v && v * 0.4), p25: values.map((v) => v && v * 0.7), p50: values, p75: values.map((v) => v && v * 1.3), p90: values.map((v) => v && v * 1.9), label: 'precio' }),
  ];
  for (const chart of charts) {
    t.false(chart.markup.includes('<style'));
    t.false(/\sstyle=/.test(chart.markup));
    t.deepEqual(cspViolations(chart.markup), []);
    t.true(chart.markup.startsWith('<svg'));
    t.regex(chart.markup, /^<svg[^>]* role="img"/);
    for (const d of chart.markup.matchAll(/ d="([^"]*)"/g)) t.notRegex(d[1]!, /\d\.\d\d/, 'path numbers are rounded to one decimal');
  }
});

test('the serialiser refuses what the CSP or safety forbid', (t) => {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  interface El {
    setAttribute(name: string, value: string): void;
    appendChild(child: El): unknown;
    textContent: string | null;
  }
  const make = (name: string) => document.createElementNS('http://www.w3.org/2000/svg', name) as unknown as El;
  const svg = (build: (root: El) => void) => {
    const root = make('svg');
    build(root);
    return root as unknown as SvgNode;
  };
  const rect = (root: El, attribute: string, value: string) => {
    const child = make('rect');
    child.setAttribute(attribute, value);
    root.appendChild(child);
  };
  t.throws(() => toSafeSvg(svg((root) => rect(root, 'style', 'fill:red')), 'x'), { instanceOf: UnsafeSvgError, message: /style attribute/ });
  t.throws(() => toSafeSvg(svg((root) => rect(root, 'onclick', 'alert(1)')), 'x'), { instanceOf: UnsafeSvgError, message: /event handler/ });
  t.throws(() => toSafeSvg(svg((root) => rect(root, 'href', 'javascript:alert(1)')), 'x'), { instanceOf: UnsafeSvgError, message: /link/ });
  t.throws(
    () => toSafeSvg(svg((root) => root.appendChild(document.createElement('script') as unknown as El)), 'x'),
    { instanceOf: UnsafeSvgError, message: /<script>/ },
  );
  const styled = toSafeSvg(
    svg((root) => {
      const style = make('style');
      style.textContent = '.a { fill: red }';
      root.appendChild(style);
      rect(root, 'fill', '"/><img src=x onerror=alert(1)>');
    }),
    'label',
  );
  t.is(styled.markup, '<svg focusable="false" aria-label="label" role="img"><rect fill="&quot;/&gt;&lt;img src=x onerror=alert(1)&gt;"/></svg>');
});

test('the text alternative of a series names its range, extremes and gaps in Spanish', (t) => {
  const values = [10, null, 30, 5, 12];
  const text = describeSeries(days.slice(0, 5), values, 'euro').replace(/\u00a0/g, ' ');
  t.is(text, 'de 10,00 € (16 oct) a 12,00 € (20 oct); mínimo 5,00 € (19 oct); máximo 30,00 € (18 oct); 1 día sin datos');
  t.is(describeSeries(days.slice(0, 3), [null, null, null], 'count'), 'sin datos en el periodo');
  t.is(describeSeries(days.slice(0, 3), [null, 1200, 1500], 'count'), 'de 1200 (17 oct) a 1500 (18 oct); mínimo 1200 (17 oct); máximo 1500 (18 oct)');
});

test('count axes start at zero and name every tick differently, even over a narrow range', (t) => {
  const values = days.map((_, i) => 2480 + (i % 7) * 9);
  const chart = lineChart({ days, lines: [{ label: 'activos', values, color: '#1d4f91' }], format: 'count', label: 'activos' });
  const document = parse(chart.markup);
  const yTicks = [...document.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((node) => node.textContent ?? '');
  t.true(yTicks.length >= 3, yTicks.join(' | '));
  t.is(yTicks[0], '0', 'a count chart starts at zero: it does not exaggerate a change');
  t.is(new Set(yTicks).size, yTicks.length, `distinct ticks: ${yTicks.join(' | ')}`);
  // A chart that asks not to start at zero (a price, a rate) still names its ticks apart.
  const narrow = lineChart({ days, lines: [{ label: 'activos', values, color: '#1d4f91' }], format: 'count', zero: false, label: 'activos' });
  const narrowTicks = [...parse(narrow.markup).querySelectorAll('g[aria-label="y-axis tick label"] text')].map((node) => node.textContent ?? '');
  t.true(narrowTicks.length >= 3 && narrowTicks[0] !== '0', narrowTicks.join(' | '));
  t.is(new Set(narrowTicks).size, narrowTicks.length, `distinct ticks: ${narrowTicks.join(' | ')}`);
  const large = lineChart({ days, lines: [{ label: 'activos', values: values.map((v) => v * 100), color: '#1d4f91' }], format: 'count', label: 'activos' });
  const largeTicks = [...parse(large.markup).querySelectorAll('g[aria-label="y-axis tick label"] text')].map((node) => node.textContent ?? '');
  t.is(new Set(largeTicks).size, largeTicks.length, `distinct ticks: ${largeTicks.join(' | ')}`);
});
