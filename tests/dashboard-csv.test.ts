/**
 * A table's CSV download (scripts/dashboard-csv.ts): the cells a reader sees, `;`-separated for
 * Spanish spreadsheets, UTF-8 with a BOM, quoted where needed, and no formula from a hostile title.
 */
import test from 'ava';
import { parseHTML } from 'linkedom';
import { tableCsv } from '../scripts/dashboard-csv.ts';

function csvOf(markup: string): { bom: boolean; rows: string[] } {
  const { document } = parseHTML(`<!doctype html><html><body>${markup}</body></html>`);
  const csv = tableCsv(document.querySelector('table') as unknown as Parameters<typeof tableCsv>[0]);
  return { bom: csv.startsWith('\uFEFF'), rows: csv.slice(1).trimEnd().split('\r\n') };
}

test('visible text only, one line per row, separated by semicolons, quoted where it must be', (t) => {
  const { bom, rows } = csvOf(`<table>
    <thead><tr><th><span class="visually-hidden">Foto</span></th><th>Anuncio</th><th>Precio</th></tr></thead>
    <tbody>
      <tr><td></td><th><span class="visually-hidden">1. </span><a href="#">Bici "29"; como nueva</a><span>activo</span><span>envío</span></th><td>14,21 €</td></tr>
      <tr><td></td><th>=HYPERLINK("http://evil")</th><td>-81,8 %</td></tr>
      <tr><td></td><th>-rebajado</th><td>@SUM(A1)</td></tr>
    </tbody></table>`);
  t.true(bom, 'UTF-8 with a byte-order mark');
  t.deepEqual(rows, [
    ';Anuncio;Precio',
    ';"Bici ""29""; como nueva activo envío";14,21 €',
    `;"'=HYPERLINK(""http://evil"")";-81,8 %`,
    ";'-rebajado;'@SUM(A1)",
  ]);
});
