/**
 * Sortable, filterable tables, as progressive enhancement: the built page shows every row in the
 * build's order and reads fully without JavaScript; this same-origin script (the CSP allows
 * `script-src 'self'`, nothing inline) adds, per table, a button on each column header that sorts
 * (and sets `aria-sort`), a text filter, the table's facets (`data-facets` on the table, a
 * `data-facet-<name>` on each row) and number ranges (`data-range` on a header). The view lives in
 * the URL (`?deals.q=iphone&deals.orden=2-asc`), so a filtered view survives a reload and can be
 * bookmarked, and the table's CSV link then downloads the rows shown, in the order shown.
 */
import {
  csvText,
  defaultDirection,
  foldText,
  isFiltered,
  parseEnglishNumber,
  parseSpanishNumber,
  readView,
  rowMatches,
  sortedOrder,
  sortKeys,
  writeView,
  type RowFacts,
  type SortKey,
  type TableView,
} from './table-model.ts';

/** Tables with fewer rows get sorting only: a filter over a handful of rows is noise. */
const FILTER_MIN_ROWS = 8;

/** The page's language (the build chose it: <html lang>); the script speaks it too. */
const english = document.documentElement.lang === 'en';
const say = (es: string, en: string): string => (english ? en : es);
const count = new Intl.NumberFormat(english ? 'en-GB' : 'es-ES');

/** A cell's text as the CSV has it: screen-reader helpers and decorations (arrows) left out, elements apart as words. */
function visibleText(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  if (!(node instanceof Element) || node.classList.contains('visually-hidden') || node.getAttribute('aria-hidden') === 'true') return '';
  let text = '';
  for (const child of node.childNodes) text += child.nodeType === Node.TEXT_NODE ? (child.textContent ?? '') : ` ${visibleText(child)} `;
  return text;
}

const cellText = (cell: Element): string => visibleText(cell).replace(/\s+/g, ' ').trim();

interface Facet {
  name: string;
  label: string;
}

function facetsOf(table: HTMLTableElement): Facet[] {
  try {
    const parsed: unknown = JSON.parse(table.dataset.facets ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((entry): entry is [string, string] => Array.isArray(entry) && entry.length === 2).map(([name, label]) => ({ name, label })) : [];
  } catch {
    return [];
  }
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function enhance(wrap: HTMLElement, table: HTMLTableElement, key: string): void {
  const body = table.tBodies[0];
  const headerRow = table.tHead?.rows[table.tHead.rows.length - 1];
  if (body === undefined || headerRow === undefined) return;
  const rows = [...body.rows];
  if (rows.length < 2) return;
  const headers = [...headerRow.cells];
  // Sorting needs one header per cell in every row (no spans).
  const columns = headers.length;
  const sortable = headers.every((cell) => cell.colSpan === 1) && rows.every((row) => row.cells.length === columns && [...row.cells].every((cell) => cell.colSpan === 1));

  const keys: SortKey[][] = sortable
    ? headers.map((_, column) => sortKeys(rows.map((row) => ({ sort: row.cells[column]!.getAttribute('data-sort'), text: cellText(row.cells[column]!) })), english ? parseEnglishNumber : parseSpanishNumber))
    : [];
  const facets = facetsOf(table);
  const rangeColumns = sortable ? headers.flatMap((cell, column) => (cell.hasAttribute('data-range') && keys[column]!.some((value) => typeof value === 'number') ? [column] : [])) : [];
  const facts: RowFacts[] = rows.map((row, index) => ({
    text: foldText(cellText(row)),
    facets: Object.fromEntries(facets.map((facet) => [facet.name, row.getAttribute(`data-facet-${facet.name}`) ?? ''])),
    numbers: Object.fromEntries(rangeColumns.map((column) => [column, typeof keys[column]![index] === 'number' ? (keys[column]![index] as number) : null])),
  }));
  const builtOrder = rows.map((_, index) => index);
  const serverSort = headers.map((cell) => cell.getAttribute('aria-sort'));

  let view: TableView = readView(new URLSearchParams(location.search), key, columns);
  if (!sortable) delete view.sort;
  for (const facet of Object.keys(view.facets)) if (!facets.some((known) => known.name === facet)) delete view.facets[facet];

  // ---- controls ----
  const caption = table.caption ? cellText(table.caption) : say('la tabla', 'the table');
  const tools = element('div', { class: 'table-tools', role: 'search', 'aria-label': `${say('Filtrar', 'Filter')}: ${caption}` });
  const status = element('output', { class: 'table-tools__count', 'aria-live': 'polite' });
  const inputs: Array<() => void> = [];
  let sortSelect: HTMLSelectElement | null = null;
  if (rows.length >= FILTER_MIN_ROWS) {
    const search = element('input', { type: 'search', name: `${key}.q`, autocomplete: 'off', spellcheck: 'false', 'aria-label': say('Buscar', 'Search') });
    const label = element('label', {}, `${say('Buscar', 'Search')} `);
    label.append(search);
    tools.append(label);
    search.addEventListener('input', () => {
      const text = search.value.trim();
      if (text === '') delete view.text;
      else view.text = search.value;
      update();
    });
    inputs.push(() => (search.value = view.text ?? ''));

    for (const facet of facets) {
      const values = [...new Set(facts.map((row) => row.facets[facet.name]!).filter((value) => value !== ''))].sort((a, b) => a.localeCompare(b, english ? 'en' : 'es'));
      if (values.length < 2) continue;
      const select = element('select', { name: `${key}.f-${facet.name}`, 'aria-label': facet.label });
      select.append(element('option', { value: '' }, say('Todas', 'All')));
      for (const value of values) select.append(element('option', { value }, value));
      const label = element('label', {}, `${facet.label} `);
      label.append(select);
      tools.append(label);
      select.addEventListener('change', () => {
        if (select.value === '') delete view.facets[facet.name];
        else view.facets[facet.name] = select.value;
        update();
      });
      inputs.push(() => (select.value = view.facets[facet.name] ?? ''));
    }

    for (const column of rangeColumns) {
      const name = cellText(headers[column]!);
      for (const bound of ['min', 'max'] as const) {
        const input = element('input', {
          type: 'number',
          inputmode: 'decimal',
          step: 'any',
          min: '0',
          name: `${key}.${bound === 'min' ? 'desde' : 'hasta'}${column}`,
          'aria-label': `${name} ${bound === 'min' ? say('desde', 'from') : say('hasta', 'to')}`,
        });
        const label = element('label', {}, `${name} ${bound === 'min' ? say('desde', 'from') : say('hasta', 'to')} `);
        label.append(input);
        tools.append(label);
        input.addEventListener('input', () => {
          const value = input.value === '' ? undefined : Number(input.value);
          const range = { ...view.ranges[column] };
          if (value === undefined || !Number.isFinite(value)) delete range[bound];
          else range[bound] = value;
          if (range.min === undefined && range.max === undefined) delete view.ranges[column];
          else view.ranges[column] = range;
          update();
        });
        inputs.push(() => (input.value = view.ranges[column]?.[bound]?.toString() ?? ''));
      }
    }
    if (sortable) {
      // The headers sort too, but a phone shows the rows as cards without them.
      const select = element('select', { name: `${key}.orden`, 'aria-label': say('Ordenar por', 'Sort by') });
      select.append(element('option', { value: '' }, say('Como se publicó', 'As published')));
      headers.forEach((cell, column) => {
        const name = cellText(cell);
        if (name === '') return; // the photo column
        const numeric = keys[column]!.some((value) => typeof value === 'number');
        select.append(element('option', { value: `${column}-asc` }, `${name} ${numeric ? say('(menor primero)', '(lowest first)') : '(A-Z)'}`));
        select.append(element('option', { value: `${column}-desc` }, `${name} ${numeric ? say('(mayor primero)', '(highest first)') : '(Z-A)'}`));
      });
      const label = element('label', {}, `${say('Ordenar por', 'Sort by')} `);
      label.append(select);
      tools.append(label);
      select.addEventListener('change', () => {
        const [column, dir] = select.value.split('-');
        if (select.value === '') delete view.sort;
        else view.sort = { column: Number(column), dir: dir as 'asc' | 'desc' };
        update();
      });
      sortSelect = select;
    }
    const clear = element('button', { type: 'button', class: 'table-tools__clear' }, say('Quitar filtros', 'Clear filters'));
    clear.addEventListener('click', () => {
      view = { ...view, facets: {}, ranges: {} };
      delete view.text;
      for (const sync of inputs) sync();
      update();
    });
    tools.append(clear, status);
    wrap.before(tools);
  }

  const buttons: HTMLButtonElement[] = [];
  if (sortable) {
    headers.forEach((cell, column) => {
      if (cellText(cell) === '') return; // the photo column
      const link = cell.querySelector<HTMLAnchorElement>('a.sort-link');
      const sort = () => {
        const dir = view.sort?.column === column ? (view.sort.dir === 'asc' ? 'desc' : 'asc') : defaultDirection(keys[column]!);
        view.sort = { column, dir };
        update();
      };
      if (link !== null) {
        // The category table's headers link to pre-rendered orders (for readers without script).
        link.addEventListener('click', (event) => {
          event.preventDefault();
          sort();
        });
        return;
      }
      const button = element('button', { type: 'button', class: 'sort-button' });
      button.append(...cell.childNodes);
      button.append(element('span', { class: 'sort-button__arrow', 'aria-hidden': 'true' }));
      cell.append(button);
      button.addEventListener('click', sort);
      buttons[column] = button;
    });
  }

  // ---- the CSV link downloads what is shown ----
  const csvLink = wrap.querySelector<HTMLAnchorElement>('.table-csv a');
  const builtCsv = csvLink ? { href: csvLink.getAttribute('href')!, download: csvLink.getAttribute('download') ?? '', text: csvLink.textContent ?? '' } : null;
  let blobUrl: string | null = null;

  function update(writeUrl = true): void {
    const order = view.sort === undefined ? builtOrder : sortedOrder(keys[view.sort.column]!, view.sort.dir);
    const filtered = isFiltered(view);
    let shown = 0;
    for (const index of order) {
      const row = rows[index]!;
      const visible = !filtered || rowMatches(facts[index]!, view);
      row.hidden = !visible;
      if (visible) shown += 1;
      body!.append(row);
    }
    table.classList.toggle('is-filtered', filtered);
    if (sortSelect !== null) sortSelect.value = view.sort === undefined ? '' : `${view.sort.column}-${view.sort.dir}`;
    status.textContent = filtered ? say(`${count.format(shown)} de ${count.format(rows.length)} filas`, `${count.format(shown)} of ${count.format(rows.length)} rows`) : say(`${count.format(rows.length)} filas`, `${count.format(rows.length)} rows`);

    headers.forEach((cell, column) => {
      const sorted = view.sort?.column === column;
      const value = sorted ? (view.sort!.dir === 'asc' ? 'ascending' : 'descending') : view.sort === undefined ? serverSort[column] : null;
      if (value) cell.setAttribute('aria-sort', value);
      else cell.removeAttribute('aria-sort');
      const arrow = buttons[column]?.querySelector('.sort-button__arrow');
      if (arrow) arrow.textContent = sorted ? (view.sort!.dir === 'asc' ? ' ▲' : ' ▼') : '';
    });

    if (csvLink !== null && builtCsv !== null) {
      if (blobUrl !== null) URL.revokeObjectURL(blobUrl);
      blobUrl = null;
      if (filtered || view.sort !== undefined) {
        const lines = [[...headerRow!.cells].map(cellText), ...order.filter((index) => !rows[index]!.hidden).map((index) => [...rows[index]!.cells].map(cellText))];
        blobUrl = URL.createObjectURL(new Blob([csvText(lines)], { type: 'text/csv;charset=utf-8' }));
        csvLink.href = blobUrl;
        csvLink.download = builtCsv.download === '' ? builtCsv.href.replace(/^.*\//, '').replace(/\.csv$/, '-vista.csv') : builtCsv.download;
        csvLink.textContent = filtered ? say(`Descargar CSV (${count.format(shown)} filas filtradas)`, `Download CSV (${count.format(shown)} filtered rows)`) : say('Descargar CSV (en este orden)', 'Download CSV (in this order)');
      } else {
        csvLink.setAttribute('href', builtCsv.href);
        csvLink.setAttribute('download', builtCsv.download);
        csvLink.textContent = builtCsv.text;
      }
    }

    if (writeUrl) {
      const params = new URLSearchParams(location.search);
      writeView(params, key, view);
      const search = params.toString();
      if (search !== location.search.replace(/^\?/, '')) history.replaceState(history.state, '', `${location.pathname}${search === '' ? '' : `?${search}`}${location.hash}`);
    }
  }

  for (const sync of inputs) sync();
  update(false);
}

function enhanceAll(): void {
  document.querySelectorAll<HTMLTableElement>('.table-wrap > table').forEach((table, index) => {
    const wrap = table.parentElement!;
    enhance(wrap, table, wrap.id || `t${index + 1}`);
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', enhanceAll);
else enhanceAll();
