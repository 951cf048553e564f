import type { Day } from '../lake/keys.ts';
import { DASHBOARD_SCHEMA_VERSION, type DashboardDay, type DataQuality, type ListingCard, type ListingLists } from './dashboard.ts';
import { roundKpis } from './kpis.ts';
import type { GoldOptions } from './options.ts';
import type { DayFigures } from './day-figures.ts';
import { SKETCH_RELATIVE_ACCURACY } from './sketch.ts';

/** The dashboard's file of one day: the figures at presentation precision, with its quality record. */

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

function roundLists(lists: ListingLists): ListingLists {
  return {
    deals: lists.deals.map((deal) => ({ ...deal, price: round(deal.price, 2), referencePrice: round(deal.referencePrice, 2), priceToReference: round(deal.priceToReference, 4) })),
    priceDrops: lists.priceDrops.map((drop) => ({ ...drop, dropPct: round(drop.dropPct, 2) })),
    newest: lists.newest,
    vanished: lists.vanished,
  };
}

function roundCard(card: ListingCard): ListingCard {
  return { ...card, priceDropPct: card.priceDropPct === null ? null : round(card.priceDropPct, 2), fairPrice: card.fairPrice === null ? null : round(card.fairPrice, 2) };
}

export interface DayFileMeta {
  day: Day;
  previousDay: Day | null;
  options: Pick<GoldOptions, 'topN' | 'dealRule' | 'dealMaxPriceToFair' | 'dealMinComparables' | 'dealMaxPriceToMedian' | 'dealMinPrice' | 'minComparables'>;
}

export function buildDashboardDay(figures: DayFigures, meta: DayFileMeta, quality: DataQuality): DashboardDay {
  return {
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    day: meta.day,
    previousDay: meta.previousDay,
    isFirstDay: meta.previousDay === null,
    sketch: { algorithm: 'DDSketch', relativeAccuracy: SKETCH_RELATIVE_ACCURACY },
    settings: {
      topN: meta.options.topN,
      dealRule: meta.options.dealRule,
      dealMaxPriceToFair: meta.options.dealMaxPriceToFair,
      dealMinComparables: meta.options.dealMinComparables,
      dealMaxPriceToMedian: meta.options.dealMaxPriceToMedian,
      dealMinPrice: meta.options.dealMinPrice,
      minComparables: meta.options.minComparables,
    },
    overall: roundKpis(figures.overall),
    categories: figures.categories.map(roundKpis),
    regions: figures.regions.map(roundKpis),
    provinces: figures.provinces.map(roundKpis),
    cities: figures.cities.map(roundKpis),
    searches: figures.searches.map(roundKpis),
    lists: {
      overall: roundLists(figures.lists.overall),
      categories: Object.fromEntries([...figures.lists.categories].map(([key, lists]) => [key, roundLists(lists)])),
      searches: Object.fromEntries([...figures.lists.searches].map(([key, lists]) => [key, roundLists(lists)])),
    },
    listings: Object.fromEntries([...figures.listings].map(([id, card]) => [id, roundCard(card)])),
    quality,
  };
}
