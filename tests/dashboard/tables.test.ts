/**
 * The table script's decisions without a browser (dashboard/src/client/table-model.ts): how cells
 * sort, which rows a view keeps, and that a view read back from the URL is the view written.
 */
import test from 'ava';
import fc from 'fast-check';
import {
  csvText,
  defaultDirection,
  foldText,
  parseEnglishNumber,
  parseSpanishNumber,
  readView,
  rowMatches,
  sortedOrder,
  sortKeys,
  writeView,
  type TableView,
} from '../../dashboard/src/client/table-model.ts';

const es = new Intl.NumberFormat('es-ES', { maximumFractionDigits: 2 });
const euro = new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR' });

test('numbers read back as the dashboard writes them in Spanish', (t) => {
  t.is(parseSpanishNumber('1234'), 1234);
  t.is(parseSpanishNumber('12.345'), 12345);
  t.is(parseSpanishNumber('1.234,56 €'), 1234.56);
  t.is(parseSpanishNumber('−81,8 %'), -81.8);
  t.is(parseSpanishNumber('+3'), 3);
  t.is(parseSpanishNumber('Madrid'), null);
  t.is(parseSpanishNumber('—'), null);
  const enEuro = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' });
  const en = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
  t.is(parseEnglishNumber('€1,234.56'), 1234.56);
  t.is(parseEnglishNumber('-€5.00'), -5);
  fc.assert(
    fc.property(fc.double({ min: -1e7, max: 1e7, noNaN: true }), (value) => {
      const rounded = Math.round(value * 100) / 100;
      return Math.abs(parseEnglishNumber(en.format(rounded))! - rounded) < 1e-9 && Math.abs(parseEnglishNumber(enEuro.format(rounded))! - rounded) < 1e-9;
    }),
  );
  fc.assert(
    fc.property(fc.double({ min: -1e7, max: 1e7, noNaN: true }), (value) => {
      const rounded = Math.round(value * 100) / 100;
      return Math.abs(parseSpanishNumber(es.format(rounded))! - rounded) < 1e-9 && Math.abs(parseSpanishNumber(euro.format(rounded))! - rounded) < 1e-9;
    }),
  );
});

test('a column sorts as numbers when every cell is one, empty cells last either way, ties in the build\'s order', (t) => {
  const keys = sortKeys([
    { sort: null, text: '34,85 €' },
    { sort: null, text: '—' },
    { sort: null, text: '1.200,00 €' },
    { sort: null, text: '5,00 €' },
    { sort: null, text: '5,00 €' },
  ]);
  t.deepEqual(keys, [34.85, null, 1200, 5, 5]);
  t.deepEqual(sortedOrder(keys, 'asc'), [3, 4, 0, 2, 1]);
  t.deepEqual(sortedOrder(keys, 'desc'), [2, 0, 3, 4, 1]);
  t.is(defaultDirection(keys), 'desc');

  // data-sort wins over the text, and machine numbers there are not read as Spanish ("1.5" is 1.5).
  t.deepEqual(sortKeys([{ sort: '1.5', text: '1,50 €' }, { sort: '1234', text: '1234 €' }]), [1.5, 1234]);
  // Text columns sort by the Spanish collation: accents and case do not decide.
  const cities = sortKeys(['Ávila', 'zaragoza', 'Albacete', 'Madrid'].map((text) => ({ sort: null, text })));
  t.deepEqual(sortedOrder(cities, 'asc'), [2, 0, 3, 1]);
  t.is(defaultDirection(cities), 'asc');
  // A column mixing numbers and words is text.
  t.deepEqual(sortKeys([{ sort: null, text: '3' }, { sort: null, text: 'tres' }]), ['3', 'tres']);
});

test('a view keeps the rows that match every filter', (t) => {
  const row = { text: foldText('Cámara Canon EOS · Móstoles envío'), facets: { ciudad: 'Móstoles', envio: 'con envío' }, numbers: { 2: 120 } };
  const view = (extra: Partial<TableView>): TableView => ({ facets: {}, ranges: {}, ...extra });
  t.true(rowMatches(row, view({ text: 'camara canon' })), 'accents and case do not matter, every word must be there');
  t.false(rowMatches(row, view({ text: 'camara nikon' })));
  t.true(rowMatches(row, view({ facets: { ciudad: 'Móstoles' } })));
  t.false(rowMatches(row, view({ facets: { ciudad: 'Madrid' } })));
  t.true(rowMatches(row, view({ ranges: { 2: { min: 100, max: 120 } } })));
  t.false(rowMatches(row, view({ ranges: { 2: { max: 119.99 } } })));
  t.false(rowMatches({ ...row, numbers: { 2: null } }, view({ ranges: { 2: { min: 0 } } })), 'a row without the number is not in a range');
});

const viewArbitrary = fc.record(
  {
    sort: fc.record({ column: fc.nat(5), dir: fc.constantFrom('asc' as const, 'desc' as const) }),
    text: fc.string({ minLength: 1 }).filter((text) => text.trim() !== ''),
    facets: fc.dictionary(fc.constantFrom('ciudad', 'categoria', 'envio'), fc.string({ minLength: 1 })),
    ranges: fc.dictionary(
      fc.constantFrom('1', '2'),
      fc.record({ min: fc.integer({ min: 0, max: 10_000 }), max: fc.integer({ min: 0, max: 10_000 }) }, { requiredKeys: [] }).filter((range) => range.min !== undefined || range.max !== undefined),
    ),
  },
  { requiredKeys: ['facets', 'ranges'] },
);

test('a view written into the URL reads back the same, beside other tables\' views and other parameters', (t) => {
  fc.assert(
    fc.property(viewArbitrary, viewArbitrary, (mine, theirs) => {
      const params = new URLSearchParams('utm=1');
      writeView(params, 'deals', mine as TableView);
      writeView(params, 'drops', theirs as TableView);
      const back = readView(new URLSearchParams(params.toString()), 'deals', 6);
      const expected = { ...mine, ranges: Object.fromEntries(Object.entries(mine.ranges).map(([column, range]) => [Number(column), range])) };
      t.deepEqual(back, expected);
      return params.get('utm') === '1';
    }),
  );
});

test('a hand-edited URL cannot break a view: unknown columns and malformed values are ignored', (t) => {
  const view = readView(new URLSearchParams('deals.orden=9-asc&deals.desde2=abc&deals.hasta2=50&deals.q=%20&other.q=x'), 'deals', 6);
  t.deepEqual(view, { facets: {}, ranges: { 2: { max: 50 } } });
});

test('the CSV of the rows shown is the build\'s format: BOM, semicolons, quoted and formula-safe fields', (t) => {
  t.is(csvText([['Anuncio', 'Precio'], ['=HYPERLINK("x")', '34,85 €'], ['a;b', '-5 %']]), '\uFEFFAnuncio;Precio\r\n"\'=HYPERLINK(""x"")";34,85 €\r\n"a;b";-5 %\r\n');
});
