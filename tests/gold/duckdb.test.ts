import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { keys } from '#shared/lake/keys.ts';
import type { Lake } from '#shared/lake/lake.ts';
import { startEmbeddedS3 } from '#local/embedded-s3.ts';
import { GOLD_TABLES, SKETCH_RELATIVE_ACCURACY, goldKeys, type GoldManifest } from '#shared/gold/index.ts';
import { random } from '../helpers/bronze-fixtures.ts';
import { readJson, runGoldDay, writeSilverDay, type FixtureListing } from '../helpers/gold-fixtures.ts';

/**
 * Gold's figures against DuckDB's exact answers over the same silver files: counts, min, max and
 * mean exactly, quantiles within the sketch's stated relative accuracy of the exact value of the
 * same rank (rank ⌊q·(n−1)⌋, the rank rule DDSketch uses).
 */

const DAY = '2026-11-10';
const SHARDS = 4;

function market(count: number): { searches: Array<{ slug: string; listings: FixtureListing[] }> } {
  const next = random(42);
  const regions = ['Andalucía', 'Cataluña', 'Comunidad de Madrid', 'Galicia'];
  const all: FixtureListing[] = Array.from({ length: count }, (_, index) => {
    const region = regions[Math.floor(next() * regions.length)]!;
    // Log-normal-ish prices in cents, 1 € … a few thousand €, some free items.
    const price = next() < 0.02 ? 0 : Math.round(Math.exp(3 + 2 * (next() + next() + next() - 1.5)) * 100) / 100 + 1;
    return {
      id: `L${String(index).padStart(6, '0')}`,
      price,
      categoryId: 100 + Math.floor(next() * 5),
      region,
      city: `${region.slice(0, 3)}-city-${Math.floor(next() * 3)}`,
      reserved: next() < 0.1,
      shippable: next() < 0.6,
    };
  });
  // Three overlapping searches: a listing found by two searches is one listing.
  return {
    searches: [
      { slug: 'alpha', listings: all.filter((_, index) => index % 3 !== 2) },
      { slug: 'beta', listings: all.filter((_, index) => index % 3 !== 0) },
      { slug: 'gamma', listings: all.filter((_, index) => index % 7 === 0) },
    ],
  };
}

async function copyToDisk(lake: Lake, lakeKeys: readonly string[], directory: string): Promise<string[]> {
  const paths: string[] = [];
  for (const key of lakeKeys) {
    const path = join(directory, key.replaceAll('/', '__'));
    await writeFile(path, (await lake.get(key))!);
    paths.push(path);
  }
  return paths;
}

test('quantiles are within the stated error of DuckDB exact values; counts, min, max, mean are exact', async (t) => {
  const s3 = await startEmbeddedS3();
  const directory = await mkdtemp(join(tmpdir(), 'gold-duckdb-'));
  t.teardown(async () => {
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });
  const { searches } = market(6000);
  await writeSilverDay(s3.lake, { day: DAY, shardCount: SHARDS, searches });
  const { manifest } = await runGoldDay(s3.lake, DAY);

  const silverKeys = searches.flatMap((search) => Array.from({ length: SHARDS }, (_, shard) => keys.silverShard(DAY, shard, search.slug)));
  const silver = await copyToDisk(s3.lake, silverKeys, directory);
  const tables = Object.fromEntries(await Promise.all(GOLD_TABLES.map(async (table) => [table, (await copyToDisk(s3.lake, [goldKeys.table(table, DAY)], directory))[0]!])));
  const state = await copyToDisk(s3.lake, (manifest as GoldManifest).state.map((entry) => entry.key), directory);

  const db = await DuckDBInstance.create();
  const connection = await db.connect();
  const list = (paths: string[]) => `[${paths.map((path) => `'${path}'`).join(', ')}]`;
  await connection.run(`create view listing as select listing_id, any_value(price) as price, any_value(category_id) as category_id, any_value(region) as region, any_value(city) as city, any_value(is_reserved) as is_reserved, any_value(is_shippable) as is_shippable from read_parquet(${list(silver)}) group by listing_id`);
  const exactSql = (group: string) => `
    select ${group} as k, count(*)::integer as n, min(price) as mn, max(price) as mx, avg(price) as mean,
      count(*) filter (where is_reserved)::integer as reserved, count(*) filter (where is_shippable)::integer as shippable,
      list_sort(list(price)) as prices
    from listing group by ${group}`;
  const exactRank = (prices: number[], q: number) => prices[Math.floor(q * (prices.length - 1))]!;

  const compare = async (label: string, group: string, goldSql: string) => {
    const exact = (await connection.runAndReadAll(exactSql(group))).getRowObjectsJS() as Array<Record<string, unknown>>;
    const gold = (await connection.runAndReadAll(goldSql)).getRowObjectsJS() as Array<Record<string, unknown>>;
    t.is(gold.length, exact.length, `${label}: one gold row per group`);
    const goldByKey = new Map(gold.map((row) => [String(row.k), row]));
    for (const row of exact) {
      const mine = goldByKey.get(String(row.k));
      t.truthy(mine, `${label} ${String(row.k)} present`);
      if (!mine) continue;
      const prices = (row.prices as number[]).map(Number);
      t.is(mine.seen_listings, row.n, `${label} ${String(row.k)} seen`);
      t.is(mine.active_listings, row.n);
      t.is(mine.new_listings, row.n, 'the first day: everything is new');
      t.is(mine.price_min, row.mn);
      t.is(mine.price_max, row.mx);
      t.true(Math.abs((mine.price_mean as number) - (row.mean as number)) < 1e-9, `${label} ${String(row.k)} mean ${String(mine.price_mean)} vs ${String(row.mean)}`);
      t.is(mine.reserved_share, (row.reserved as number) / (row.n as number));
      t.is(mine.shippable_share, (row.shippable as number) / (row.n as number));
      for (const [column, q] of [['price_p10', 0.1], ['price_p25', 0.25], ['price_p50', 0.5], ['price_p75', 0.75], ['price_p90', 0.9]] as const) {
        const want = exactRank(prices, q);
        const got = mine[column] as number;
        t.true(Math.abs(got - want) <= SKETCH_RELATIVE_ACCURACY * want + 1e-9, `${label} ${String(row.k)} ${column}: sketch ${got} vs exact ${want}`);
      }
    }
  };

  await compare('overall', `'all'`, `select 'all' as k, * from '${tables.market_daily}'`);
  await compare('category', 'category_id', `select category_id as k, * from '${tables.category_daily}'`);
  await compare('region', 'region', `select region as k, * from '${tables.region_daily}'`);
  await compare('city', `region || '/' || city`, `select region || '/' || city as k, * from '${tables.city_daily}'`);

  // Per search: every listing the search returned (DuckDB straight from that search's files).
  for (const search of searches) {
    const files = silver.filter((path) => path.includes(`search=${search.slug}.parquet`));
    const exact = (await connection.runAndReadAll(`select count(*)::integer as n, list_sort(list(price)) as prices from read_parquet(${list(files)})`)).getRowObjectsJS()[0]!;
    const gold = (await connection.runAndReadAll(`select * from '${tables.search_daily}' where search_slug = '${search.slug}'`)).getRowObjectsJS()[0]!;
    t.is(gold.seen_listings, exact.n);
    const median = exactRank((exact.prices as number[]).map(Number), 0.5);
    t.true(Math.abs((gold.price_p50 as number) - median) <= SKETCH_RELATIVE_ACCURACY * median + 1e-9);
  }

  // The state is the listings table: one row per distinct listing, searches as a native list.
  const stateRows = (await connection.runAndReadAll(`select count(*)::integer as n, count(distinct listing_id)::integer as ids, count(*) filter (where list_contains(searches, 'alpha') and list_contains(searches, 'beta'))::integer as both from read_parquet(${list(state)})`)).getRowObjectsJS()[0]!;
  t.is(stateRows.n, 6000);
  t.is(stateRows.ids, 6000);
  t.is(stateRows.both, 2000, 'listings with index ≡ 1 (mod 3) were returned by alpha and beta');
  const types = (await connection.runAndReadAll(`select typeof(first_seen_day) as d, typeof(searches) as s, typeof(created_at) as c from read_parquet('${state[0]}') limit 1`)).getRowObjectsJS()[0]!;
  t.deepEqual(types, { d: 'DATE', s: 'VARCHAR[]', c: 'TIMESTAMP WITH TIME ZONE' });
  connection.closeSync();
});

test('category-median deals (the first rule, kept as an option) equal a brute-force search: per category the cheapest under 60 % of the peer median, overall the lowest ratios', async (t) => {
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());
  const { searches } = market(3000);
  await writeSilverDay(s3.lake, { day: DAY, shardCount: SHARDS, searches });
  await runGoldDay(s3.lake, DAY, { topN: 10, topNPerCategory: 3, dealRule: 'category-median' });
  const day = await readJson<import('#shared/gold/index.ts').DashboardDay>(s3.lake, goldKeys.dashboardDay(DAY));

  const byId = new Map<string, FixtureListing>();
  for (const search of searches) for (const listing of search.listings) byId.set(listing.id, listing);
  const allDeals: Array<{ id: string; ratio: number }> = [];
  for (const category of day.categories) {
    const key = String(category.categoryId);
    const median = category.priceP50!;
    const eligible = [...byId.values()]
      .filter((listing) => String(listing.categoryId) === key && !listing.reserved && listing.price >= 1 && listing.price <= 0.6 * median)
      .sort((a, b) => a.price - b.price || (a.id < b.id ? -1 : 1));
    t.deepEqual(day.lists.categories[key]!.deals.map((deal) => deal.listingId), eligible.slice(0, 3).map((listing) => listing.id), `category ${key}`);
    allDeals.push(...eligible.map((listing) => ({ id: listing.id, ratio: listing.price / median })));
  }
  // The market-wide list ranks by price / peer median across categories, from topN candidates per category.
  const wantOverall = allDeals.sort((a, b) => a.ratio - b.ratio || (a.id < b.id ? -1 : 1)).slice(0, 10).map((deal) => deal.id);
  t.deepEqual(day.lists.overall.deals.map((deal) => deal.listingId), wantOverall);
  t.true(day.lists.overall.deals.every((deal) => deal.priceToReference <= 0.6 && deal.comparables === null));
});

test('sold prices and time to sell within the sketch error of DuckDB over the state’s sold rows; comparable groups exact, and deals judged by them', async (t) => {
  const s3 = await startEmbeddedS3();
  t.teardown(() => s3.close());
  const next = random(7);
  const DAY2 = '2026-11-11';
  const PRODUCTS = ['iphone 13 128gb', 'iphone 13 pro 256gb', 'iphone 12 64gb', 'ps5 digital', 'bici carretera', 'funda iphone 13'];
  const MEDIANS = [420, 540, 300, 390, 600, 9];
  const listings: FixtureListing[] = Array.from({ length: 2400 }, (_, index) => {
    const product = Math.floor(next() * PRODUCTS.length);
    return {
      id: `C${String(index).padStart(5, '0')}`,
      title: `${PRODUCTS[product]} ${next() < 0.5 ? 'como nuevo' : 'negro'}`,
      price: Math.round(MEDIANS[product]! * Math.exp((next() + next() + next() - 1.5) * 0.6) * 100) / 100,
      categoryId: product >= 3 ? 200 + product : 100,
      region: next() < 0.5 ? 'Cataluña' : 'Galicia',
    };
  });
  await writeSilverDay(s3.lake, { day: DAY, shardCount: SHARDS, searches: [{ slug: 'all', listings }] });
  await runGoldDay(s3.lake, DAY);
  // Day 2: a fifth of the listings are gone (sold: every fixture listing has a seller of its own), the rest seen again.
  const kept = listings.filter((_, index) => index % 5 !== 0);
  await writeSilverDay(s3.lake, { day: DAY2, shardCount: SHARDS, searches: [{ slug: 'all', listings: kept }] });
  const { manifest } = await runGoldDay(s3.lake, DAY2);
  const day = await readJson<import('#shared/gold/index.ts').DashboardDay>(s3.lake, goldKeys.dashboardDay(DAY2));

  const directory = await mkdtemp(join(tmpdir(), 'gold-duckdb-sold-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const state = await copyToDisk(s3.lake, manifest.state.map((entry) => entry.key), directory);
  const [comparables] = await copyToDisk(s3.lake, [manifest.tables.comparable_daily], directory);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const list = (paths: string[]) => `[${paths.map((path) => `'${path}'`).join(', ')}]`;
  const query = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS();

  // Sold: vanished today; quantiles of their last asking price per category, days to sell exact.
  const sold = await query(
    `select category_id, count(*)::integer as n, quantile_disc(last_price, [0.25, 0.5, 0.75]) as q, quantile_disc(days_on_market, 0.5)::integer as days
     from read_parquet(${list(state)}) where status = 'vanished' and vanished_on = date '${DAY2}' group by category_id order by category_id`,
  );
  t.is(sold.reduce((total, row) => total + (row.n as number), 0), 480);
  t.is(day.overall.soldListings, 480);
  for (const row of sold) {
    const kpis = day.categories.find((category) => category.categoryId === row.category_id)!;
    t.is(kpis.soldListings, row.n as number);
    const [p25, p50, p75] = row.q as number[];
    for (const [ours, exact] of [[kpis.soldPriceP25!, p25!], [kpis.soldPriceP50!, p50!], [kpis.soldPriceP75!, p75!]] as const) {
      t.true(Math.abs(ours - exact) <= SKETCH_RELATIVE_ACCURACY * exact + 0.005, `category ${row.category_id}: ${ours} vs exact ${exact}`);
    }
    t.is(kpis.daysToSellMedian, row.days as number);
    t.is(kpis.sellThrough, Math.round(((row.n as number) / kpis.activeListings) * 1e4) / 1e4, 'the dashboard rounds shares to 4 decimals');
  }

  // Comparable groups: the key and its prefixes down to two words, exact quantiles of today's asking prices.
  const groups = await query(
    `with seen as (
       select split_part(comparable_key, '|', 1) as category, string_split(split_part(comparable_key, '|', 2), ' ') as words, last_price
       from read_parquet(${list(state)}) where last_seen_day = date '${DAY2}' and comparable_key is not null),
     grouped as (
       select category || '|' || array_to_string(list_slice(words, 1, n), ' ') as group_key, last_price
       from seen, range(1, 5) as lengths(n) where n <= len(words) and (n >= 2 or n = len(words)))
     select group_key, count(*)::integer as n, quantile_disc(last_price, [0.25, 0.5, 0.75]) as q from grouped group by group_key order by group_key`,
  );
  const ours = await query(`select group_key, seen_listings, price_p25, price_p50, price_p75 from read_parquet('${comparables}') where seen_listings > 0 order by group_key`);
  t.deepEqual(
    ours.map((row) => [row.group_key, row.seen_listings, row.price_p25, row.price_p50, row.price_p75]),
    groups.map((row) => [row.group_key, row.n, ...(row.q as number[])]),
  );
  t.true(groups.some((row) => row.group_key === '100|iphone 13'), 'a two-word prefix groups every iPhone 13');

  // Day 2's deals are judged by day 1's groups: every listed deal costs at most 0.6 × its listing's fair price.
  const deals = day.lists.overall.deals;
  t.true(deals.length > 0);
  for (const deal of deals) {
    const card = day.listings[deal.listingId]!;
    t.is(deal.referencePrice, card.fairPrice!);
    t.true(deal.priceToReference <= 0.6 && card.comparables >= 8, `${card.title}: ${deal.price} vs fair ${card.fairPrice} (${card.comparables})`);
  }
  t.true(deals.some((deal) => day.listings[deal.listingId]!.title!.startsWith('funda')), 'a cheap case is measured against cases, not phones');
  connection.closeSync();
});
