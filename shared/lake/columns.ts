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
 * Row objects appended one at a time into one array per column: a writer that buffers a row group
 * this way holds values, not rows, so each row object can die young instead of surviving
 * collections until its group is written. Generated like columnExtractor, one read site per column.
 */
export interface ColumnBuffer<Row, Name extends keyof Row> {
  /** Rows appended since the last `take`. */
  readonly length: number;
  append(row: Row): void;
  /** The columns of every row appended so far (exactly `length` long), and a fresh buffer for the next rows. */
  take(): Columns<Row, Name>;
}

export function columnBuffer<Row, Name extends keyof Row & string>(names: readonly Name[], capacity: number): () => ColumnBuffer<Row, Name> {
  checkNames(names);
  const fresh = new Function('capacity', `return { ${names.map((name) => `${name}: new Array(capacity)`).join(', ')} };`) as (capacity: number) => Columns<Row, Name>;
  const append = new Function('columns', 'index', 'row', names.map((name) => `columns.${name}[index] = row.${name};`).join('\n')) as (columns: Columns<Row, Name>, index: number, row: Row) => void;
  return () => {
    let columns = fresh(capacity);
    let length = 0;
    return {
      get length() {
        return length;
      },
      append(row: Row) {
        if (length === capacity) throw new RangeError(`column buffer full (${capacity} rows)`);
        append(columns, length, row);
        length += 1;
      },
      take() {
        const taken = columns;
        if (length < capacity) for (const name of names) taken[name].length = length;
        columns = fresh(capacity);
        length = 0;
        return taken;
      },
    };
  };
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
