/**
 * Row objects → one array per column, for the Parquet writers.
 *
 * The obvious `rows.map((row) => row[name])` per column reads a property whose name changes from
 * column to column at one call site: V8 then falls back to its megamorphic lookup, ~70 ns a value,
 * which was 15 % of writing a silver file. The extractor is generated once per schema with one
 * named property read per column (`row.title`), so every read site sees one shape and stays fast.
 * Names come from our own schemas and must be plain identifiers.
 */
export type Columns<Row, Name extends keyof Row> = { [K in Name]: Array<Row[K]> };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function checkNames(names: readonly string[]): void {
  const invalid = names.filter((name) => !IDENTIFIER.test(name));
  if (invalid.length > 0) throw new TypeError(`column names must be identifiers: ${invalid.join(', ')}`);
  if (new Set(names).size !== names.length) throw new TypeError('column names must be distinct');
}

export function columnExtractor<Row, Name extends keyof Row & string>(names: readonly Name[]): (rows: readonly Row[]) => Columns<Row, Name> {
  checkNames(names);
  const body = [
    'const count = rows.length;',
    ...names.map((name, index) => `const c${index} = new Array(count);`),
    'for (let i = 0; i < count; i += 1) {',
    '  const row = rows[i];',
    ...names.map((name, index) => `  c${index}[i] = row.${name};`),
    '}',
    `return { ${names.map((name, index) => `${name}: c${index}`).join(', ')} };`,
  ].join('\n');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from checked identifiers, see above
  return new Function('rows', body) as (rows: readonly Row[]) => Columns<Row, Name>;
}

/**
 * The other way: a row group's columns → a reader of row `index`, bound once per row group. Each
 * row is one object literal with a property per column (missing values of nullable columns read as
 * null) and then the `constants`, so every row has one hidden class and no column is looked up by
 * name per row. Generated once per schema, like columnExtractor.
 */
export function rowReader<Row>(
  columns: ReadonlyArray<{ readonly name: string; readonly nullable: boolean }>,
  constants: Readonly<Record<string, unknown>> = {},
): (data: Readonly<Record<string, ArrayLike<unknown>>>) => (index: number) => Row {
  const constantNames = Object.keys(constants);
  checkNames([...columns.map((column) => column.name), ...constantNames]);
  const body = [
    ...columns.map((column, position) => `const c${position} = data.${column.name};`),
    'return (index) => ({',
    ...columns.map((column, position) => `  ${column.name}: c${position}[index]${column.nullable ? ' ?? null' : ''},`),
    ...constantNames.map((name) => `  ${name}: constants.${name},`),
    '});',
  ].join('\n');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from checked identifiers, see columnExtractor
  const bind = new Function('constants', 'data', body) as (constants: Readonly<Record<string, unknown>>, data: Readonly<Record<string, ArrayLike<unknown>>>) => (index: number) => Row;
  return (data) => bind(constants, data);
}
