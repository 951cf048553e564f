/**
 * DuckDB doing the pipeline's work on the same files: the yardstick a data engineer would reach for.
 *
 * Silver: `read_json` over the day's bronze pages in envelope version 1 (one JSON object per file:
 * see ./duckdb-pages.ts), the body (a JSON string inside the envelope) parsed with `from_json` into the
 * fields silver reads; the same
 * columns as shared/silver/schema.ts, the category name and path joined from the day's snapshot
 * (flattened to a 370-row table beforehand: the only pre-processing, negligible either way),
 * duplicates within a search collapsed to the latest occurrence, each (shard, search) file sorted
 * by listing_id, SNAPPY, 20,000-row groups. Shard = DuckDB's hash(listing_id) mod N (the same kind
 * of work as our FNV-1a; not the same function). DuckDB does not repair mojibake or validate field
 * types item by item, which ours does.
 *
 * Gold: the same silver files and the previous day's state files (ours): one observation per
 * listing over all searches (the latest fetched), a full outer join with the previous state into
 * the new state (status, first/last seen, first/min/last price, price changes, searches), written
 * sorted per shard; then active/new/vanished/reappeared/seen counts, reserved and shippable shares,
 * min/max/mean and EXACT p10/p25/p50/p75/p90 prices (quantile_disc; ours uses DDSketch ±1 %), drop
 * count and median drop, median days on market, per market, category, region, city and search;
 * and the newest / biggest drops / best deals top 50 per category. Our fan-in also writes dashboard
 * JSON and quality records, which DuckDB does not.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { keys, type Day } from '#shared/lake/keys.ts';
import { indexCategories } from '#shared/silver/categories.ts';
import { decodeEnvelope } from '#shared/silver/page.ts';
import { DUCKDB_PAGES, pagesDone } from './duckdb-pages.ts';
import type { Job } from './jobs.ts';

type SilverJob = Extract<Job, { kind: 'duckdb-silver' }>;
type GoldJob = Extract<Job, { kind: 'duckdb-gold' }>;

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The fields of a search item silver reads, as a from_json structure. */
const ITEM_STRUCTURE = {
  id: 'VARCHAR',
  user_id: 'VARCHAR',
  title: 'VARCHAR',
  description: 'VARCHAR',
  category_id: 'INTEGER',
  price: { amount: 'DOUBLE', currency: 'VARCHAR' },
  images: [{ urls: { small: 'VARCHAR', medium: 'VARCHAR', big: 'VARCHAR' } }],
  reserved: { flag: 'BOOLEAN' },
  is_refurbished: { flag: 'BOOLEAN' },
  has_warranty: { flag: 'BOOLEAN' },
  is_top_profile: { flag: 'BOOLEAN' },
  location: { latitude: 'DOUBLE', longitude: 'DOUBLE', postal_code: 'VARCHAR', city: 'VARCHAR', region: 'VARCHAR', country_code: 'VARCHAR' },
  shipping: { item_is_shippable: 'BOOLEAN', user_allows_shipping: 'BOOLEAN' },
  bump: { type: 'VARCHAR' },
  web_slug: 'VARCHAR',
  created_at: 'BIGINT',
  modified_at: 'BIGINT',
  discount: { previous_price: 'DOUBLE' },
};
/** A search body's fields silver reads, as a from_json structure (bench/experiments/bronze-layouts.ts reads it too). */
export const BODY_STRUCTURE = JSON.stringify({ data: { section: { payload: { items: [ITEM_STRUCTURE] } } } });

async function connect(threads: number): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  return { instance, connection: await instance.connect() };
}

/** id, name and path of every node of the day's category snapshot, read with silver's own index. */
async function categoryRows(root: string, day: Day): Promise<Array<{ id: number; name: string; path: string }>> {
  const decoded = decodeEnvelope(new Uint8Array(await readFile(join(root, keys.bronzeCategories(day)))));
  if (!decoded.ok) throw new Error(`categories snapshot of ${day}: ${decoded.detail}`);
  const body = JSON.parse(decoded.envelope.body) as { categories: unknown[] };
  const index = indexCategories(body);
  const ids = new Set<number>();
  const walk = (nodes: unknown[]) => {
    for (const node of nodes as Array<{ id?: unknown; subcategories?: unknown[] }>) {
      if (typeof node.id === 'number') ids.add(node.id);
      if (Array.isArray(node.subcategories)) walk(node.subcategories);
    }
  };
  walk(body.categories);
  return [...ids].flatMap((id) => {
    const entry = index.get(id);
    return entry ? [{ id, ...entry }] : [];
  });
}

export async function duckdbSilver(job: SilverJob): Promise<{ rows: number }> {
  await rm(job.out, { recursive: true, force: true });
  await mkdir(job.out, { recursive: true });
  const { instance, connection } = await connect(job.threads);
  try {
    const categories = await categoryRows(job.root, job.day);
    await connection.run('CREATE TEMP TABLE categories (id INTEGER, name VARCHAR, path VARCHAR)');
    await connection.run(`INSERT INTO categories VALUES ${categories.map((c) => `(${c.id}, ${sqlString(c.name)}, ${sqlString(c.path)})`).join(', ')}`);
    if (!existsSync(pagesDone(job.root, job.day))) throw new Error(`no version 1 copy of ${job.day}'s pages for DuckDB: run duckdbPages first`);
    const pages = join(job.root, DUCKDB_PAGES, `bronze/search/dt=${job.day}/*/page-*.json.gz`);
    const sql = `
      COPY (
        WITH pages AS (
          SELECT search, page, CAST(response.fetchedAt AS TIMESTAMPTZ) AS fetched_at,
                 from_json(body, ${sqlString(BODY_STRUCTURE)}).data.section.payload.items AS items
          FROM read_json(${sqlString(pages)}, format = 'newline_delimited', compression = 'gzip',
                         columns = {search: 'VARCHAR', page: 'INTEGER', response: 'STRUCT(fetchedAt VARCHAR)', body: 'VARCHAR'})
        ), occurrences AS (
          SELECT search, page, fetched_at, unnest(items) AS i, generate_subscripts(items, 1) AS position FROM pages
        ), rows AS (
          SELECT
            i.id AS listing_id,
            DATE ${sqlString(job.day)} AS snapshot_day,
            o.search AS search_slug,
            left(i.title, 1000) AS title,
            left(i.description, 2000) AS description,
            i.price.amount AS price,
            i.price.currency AS currency,
            i.discount.previous_price AS previous_price,
            i.category_id AS category_id,
            c.name AS category_name,
            c.path AS category_path,
            i.user_id AS seller_id,
            i.location.city AS city,
            i.location.postal_code AS postal_code,
            i.location.region AS region,
            i.location.country_code AS country_code,
            i.location.latitude AS latitude,
            i.location.longitude AS longitude,
            i.reserved.flag AS is_reserved,
            i.shipping.item_is_shippable AS is_shippable,
            i.shipping.user_allows_shipping AS seller_allows_shipping,
            i.is_refurbished.flag AS is_refurbished,
            i.has_warranty.flag AS has_warranty,
            i.is_top_profile.flag AS is_top_profile,
            CASE WHEN i.bump.type IS NULL THEN NULL ELSE trim(i.bump.type) <> '' END AS is_bumped,
            epoch_ms(i.created_at) AS created_at,
            epoch_ms(i.modified_at) AS modified_at,
            CASE WHEN trim(i.web_slug) <> '' THEN 'https://es.wallapop.com/item/' || trim(i.web_slug) END AS listing_url,
            coalesce(nullif(i.images[1].urls.medium, ''), nullif(i.images[1].urls.big, ''), nullif(i.images[1].urls.small, '')) AS image_url,
            o.fetched_at AS fetched_at,
            o.page AS source_page,
            1 AS schema_version,
            o.position AS position,
            o.search AS search_partition,
            hash(i.id) % ${job.shardCount} AS shard
          FROM occurrences o LEFT JOIN categories c ON c.id = i.category_id
          WHERE i.id IS NOT NULL AND trim(i.id) <> '' AND i.price.amount >= 0
        )
        SELECT * EXCLUDE (position) FROM rows
        QUALIFY row_number() OVER (PARTITION BY search_slug, listing_id ORDER BY fetched_at DESC, source_page DESC, position DESC) = 1
        ORDER BY listing_id
      ) TO ${sqlString(job.out)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 20000, PARTITION_BY (shard, search_partition))`;
    const result = await connection.runAndReadAll(sql);
    const rows = Number(result.getRows()[0]?.[0] ?? 0);
    return { rows };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The KPI columns of a gold table, over the rows of `next` (one per listing of the new state). */
function kpis(seen: string): string {
  return `
    count(*) FILTER (WHERE status = 'active') AS active_listings,
    count(*) FILTER (WHERE ${seen}) AS seen_listings,
    count(*) FILTER (WHERE event = 'new') AS new_listings,
    count(*) FILTER (WHERE event = 'vanished') AS vanished_listings,
    count(*) FILTER (WHERE event = 'reappeared' AND ${seen}) AS reappeared_listings,
    avg(CASE WHEN is_reserved THEN 1.0 ELSE 0.0 END) FILTER (WHERE ${seen}) AS reserved_share,
    avg(CASE WHEN is_shippable THEN 1.0 ELSE 0.0 END) FILTER (WHERE ${seen}) AS shippable_share,
    min(last_price) FILTER (WHERE ${seen}) AS price_min,
    max(last_price) FILTER (WHERE ${seen}) AS price_max,
    avg(last_price) FILTER (WHERE ${seen}) AS price_mean,
    quantile_disc(last_price, [0.1, 0.25, 0.5, 0.75, 0.9]) FILTER (WHERE ${seen}) AS price_quantiles,
    count(*) FILTER (WHERE drop_pct IS NOT NULL AND ${seen}) AS price_drop_count,
    quantile_disc(drop_pct, 0.5) FILTER (WHERE drop_pct IS NOT NULL AND ${seen}) AS price_drop_median_pct,
    quantile_disc(days_on_market, 0.5) FILTER (WHERE event = 'vanished') AS days_on_market_median`;
}

export async function duckdbGold(job: GoldJob): Promise<{ stateRows: number }> {
  await rm(job.out, { recursive: true, force: true });
  await mkdir(job.out, { recursive: true });
  const { instance, connection } = await connect(job.threads);
  const day = `DATE ${sqlString(job.day)}`;
  const out = (name: string) => sqlString(join(job.out, name));
  const parquet = `(FORMAT parquet, COMPRESSION snappy)`;
  try {
    const silver = join(job.root, `silver/listings/dt=${job.day}/*/*.parquet`);
    const state = join(job.root, `gold/state/dt=${job.previousDay}/*.parquet`);
    const complete = `[${job.completeSearches.map(sqlString).join(', ')}]::VARCHAR[]`;
    await connection.run(`
      CREATE TEMP TABLE today AS
      SELECT listing_id,
             arg_max(struct_pack(price, currency, is_reserved, is_shippable, title, category_id, category_name, region, city, created_at, listing_url, image_url), fetched_at) AS o,
             list_sort(list(DISTINCT search_slug)) AS searches
      FROM read_parquet(${sqlString(silver)})
      GROUP BY listing_id`);
    await connection.run(`
      CREATE TEMP TABLE next AS
      WITH joined AS (
        SELECT t.listing_id IS NOT NULL AS seen, p.listing_id IS NOT NULL AS known, t.o AS o, t.searches AS today_searches, p.*,
               coalesce(t.listing_id, p.listing_id) AS id,
               CASE WHEN p.listing_id IS NULL THEN 'new'
                    WHEN t.listing_id IS NOT NULL THEN CASE WHEN p.status = 'vanished' THEN 'reappeared' ELSE 'seen' END
                    WHEN p.status = 'vanished' THEN CASE WHEN ${day} - p.vanished_on > 30 THEN 'expired' ELSE 'carried' END
                    WHEN list_has_any(p.searches, ${complete}) THEN 'vanished'
                    ELSE 'carried' END AS event
        FROM today t FULL OUTER JOIN read_parquet(${sqlString(state)}) p ON t.listing_id = p.listing_id
      )
      SELECT
        id AS listing_id,
        ${day} AS day,
        CASE event WHEN 'vanished' THEN 'vanished' WHEN 'carried' THEN status ELSE 'active' END AS status,
        coalesce(first_seen_day, ${day}) AS first_seen_day,
        CASE WHEN seen THEN ${day} ELSE last_seen_day END AS last_seen_day,
        CASE event WHEN 'vanished' THEN ${day} WHEN 'carried' THEN vanished_on END AS vanished_on,
        CASE event WHEN 'vanished' THEN ${day} - first_seen_day WHEN 'carried' THEN days_on_market END AS days_on_market,
        coalesce(first_price, o.price) AS first_price,
        CASE WHEN NOT known THEN o.price WHEN NOT seen THEN min_price ELSE least(min_price, o.price) END AS min_price,
        CASE WHEN seen THEN o.price ELSE last_price END AS last_price,
        CASE WHEN seen AND known AND o.price <> last_price THEN last_price ELSE price_before_change END AS price_before_change,
        CASE WHEN seen AND known AND o.price <> last_price THEN ${day} ELSE price_changed_on END AS price_changed_on,
        coalesce(price_change_count, 0) + CASE WHEN seen AND known AND o.price <> last_price THEN 1 ELSE 0 END AS price_change_count,
        CASE WHEN seen THEN o.currency ELSE currency END AS currency,
        CASE WHEN seen THEN o.is_reserved ELSE is_reserved END AS is_reserved,
        CASE WHEN seen THEN o.is_shippable ELSE is_shippable END AS is_shippable,
        CASE WHEN NOT known THEN today_searches WHEN NOT seen THEN searches ELSE list_sort(list_distinct(list_concat(searches, today_searches))) END AS searches,
        CASE WHEN seen THEN o.title ELSE title END AS title,
        CASE WHEN seen THEN o.category_id ELSE category_id END AS category_id,
        CASE WHEN seen THEN o.category_name ELSE category_name END AS category_name,
        CASE WHEN seen THEN o.region ELSE region END AS region,
        CASE WHEN seen THEN o.city ELSE city END AS city,
        CASE WHEN seen THEN o.created_at ELSE created_at END AS created_at,
        CASE WHEN seen THEN o.listing_url ELSE listing_url END AS listing_url,
        CASE WHEN seen THEN o.image_url ELSE image_url END AS image_url,
        event,
        seen,
        today_searches,
        CASE WHEN seen AND known AND o.price < last_price THEN (last_price - o.price) / last_price * 100 END AS drop_pct,
        hash(id) % ${job.shardCount} AS shard
      FROM joined
      WHERE event <> 'expired'`);
    const stateColumns = `listing_id, day, status, first_seen_day, last_seen_day, vanished_on, days_on_market, first_price, min_price, last_price,
      price_before_change, price_changed_on, price_change_count, currency, is_reserved, is_shippable, searches, title, category_id,
      category_name, region, city, created_at, listing_url, image_url, shard`;
    const written = await connection.runAndReadAll(
      `COPY (SELECT ${stateColumns} FROM next ORDER BY listing_id) TO ${out('state')} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 50000, PARTITION_BY (shard))`,
    );
    await connection.run(`COPY (SELECT ${day} AS day, ${kpis('seen')} FROM next) TO ${out('market_daily.parquet')} ${parquet}`);
    await connection.run(`COPY (SELECT ${day} AS day, category_id, min(category_name) AS category_name, ${kpis('seen')} FROM next GROUP BY category_id) TO ${out('category_daily.parquet')} ${parquet}`);
    await connection.run(`COPY (SELECT ${day} AS day, region, ${kpis('seen')} FROM next GROUP BY region) TO ${out('region_daily.parquet')} ${parquet}`);
    await connection.run(`COPY (SELECT ${day} AS day, region, city, ${kpis('seen')} FROM next GROUP BY region, city) TO ${out('city_daily.parquet')} ${parquet}`);
    await connection.run(`
      COPY (
        SELECT ${day} AS day, search_slug, ${kpis('coalesce(list_contains(today_searches, search_slug), false)')}
        FROM (SELECT *, unnest(searches) AS search_slug FROM next)
        GROUP BY search_slug
      ) TO ${out('search_daily.parquet')} ${parquet}`);
    await connection.run(`
      COPY (
        WITH medians AS (
          SELECT category_id, quantile_disc(last_price, 0.5) AS peer_median FROM next WHERE seen GROUP BY category_id
        ), ranked AS (
          SELECT 'newest' AS list, n.category_id, listing_id, last_price, NULL::DOUBLE AS score,
                 row_number() OVER (PARTITION BY n.category_id ORDER BY created_at DESC, listing_id) AS rank
          FROM next n WHERE event = 'new'
          UNION ALL
          SELECT 'priceDrops', n.category_id, listing_id, last_price, drop_pct,
                 row_number() OVER (PARTITION BY n.category_id ORDER BY drop_pct DESC, listing_id)
          FROM next n WHERE drop_pct IS NOT NULL
          UNION ALL
          SELECT 'deals', n.category_id, listing_id, last_price, last_price / m.peer_median,
                 row_number() OVER (PARTITION BY n.category_id ORDER BY last_price / m.peer_median, listing_id)
          FROM next n JOIN medians m ON m.category_id IS NOT DISTINCT FROM n.category_id
          WHERE n.seen AND is_reserved IS NOT TRUE AND last_price >= 1 AND m.peer_median > 0 AND last_price <= 0.6 * m.peer_median
        )
        SELECT ${day} AS day, * FROM ranked WHERE rank <= 50
      ) TO ${out('listing_highlights.parquet')} ${parquet}`);
    return { stateRows: Number(written.getRows()[0]?.[0] ?? 0) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
