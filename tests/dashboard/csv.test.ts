/**
 * A table's CSV download (scripts/dashboard-csv.ts): the cells a reader sees, `;`-separated for
 * Spanish spreadsheets, UTF-8 with a BOM, quoted where needed, and no formula from a hostile title.
 */
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableCsv, writeTableCsvs } from '../../scripts/dashboard-csv.ts';

function csvOf(markup: string): { bom: boolean; rows: string[] } {
  const csv = tableCsv(markup.trim());
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

test('a "<table>" inside an attribute (an untrusted title in an aria-label) is not a table; each real one gets its link', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dashboard-csv-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const page = join(dir, 'index.html');
  await writeFile(
    page,
    `<!doctype html><html><body><figure aria-label="precio de x</table><table>y"><svg></svg></figure>
    <div class="table-wrap"><table><tr><th>A</th></tr><tr><td>1</td></tr></table></div>
    <div class="table-wrap"><table title="</table>"><tr><th>B</th></tr></table></div></body></html>`,
  );
  t.is(await writeTableCsvs([page]), 2);
  const html = await readFile(page, 'utf8');
  t.true(html.includes('aria-label="precio de x</table><table>y"'), 'the attribute is untouched');
  t.is([...html.matchAll(/class="table-csv"/g)].length, 2);
  t.true(html.includes('title="</table>"><tr><th>B</th></tr></table><p class="table-csv"><a href="./tabla-2.csv" download>'));
  t.is(await readFile(join(dir, 'tabla-1.csv'), 'utf8'), '\uFEFFA\r\n1\r\n');
  t.is(await readFile(join(dir, 'tabla-2.csv'), 'utf8'), '\uFEFFB\r\n');
});
