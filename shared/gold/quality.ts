import type { BronzeManifest, ExtractOutcome } from '../lake/bronze.ts';
import type { Day } from '../lake/keys.ts';
import type { SilverManifest } from '../silver/index.ts';
import type { DashboardSeries, DataQuality, QualityFlag, SearchQuality } from './dashboard.ts';
import type { GoldOptions } from './options.ts';
import type { GoldPartial } from './partial.ts';
import type { DayFigures } from './day-figures.ts';

/**
 * The day's data-quality record: rows at each stage, what was quarantined, which searches did not
 * give a complete picture, and each search's listings against the previous gold day (read from
 * the previous series, so no history is re-read). A search that failed is a hole in the data,
 * not a quiet market: this record is where the dashboard learns to say so.
 */

export interface SearchSources {
  slug: string;
  silver: SilverManifest;
  /** Absent only if bronze was deleted after silver ran. */
  bronze: BronzeManifest | undefined;
}

export interface QualityInputs {
  day: Day;
  previousDay: Day | null;
  gapDays: number;
  unfinishedDays: Day[];
  shardCount: number;
  sources: readonly SearchSources[];
  merged: GoldPartial;
  figures: DayFigures;
  previousSeries: DashboardSeries | null;
  options: Pick<GoldOptions, 'suddenDropRatio' | 'suddenDropMinPrevious'>;
}

const OUTCOME_FLAGS = {
  'page-cap': 'page-cap',
  empty: 'empty',
  blocked: 'blocked',
  failed: 'failed',
  'filter-ignored': 'filter-ignored',
  drifted: 'drifted',
} as const satisfies Record<Exclude<ExtractOutcome, 'complete'>, QualityFlag>;

const MESSAGES: Record<QualityFlag, (search: SearchQuality) => string> = {
  failed: () => 'the extraction failed: its listings were not marked vanished today',
  blocked: () => 'Wallapop blocked the extraction: its listings were not marked vanished today',
  empty: () => 'the search came back empty (suspicious, not a quiet market): nothing was marked vanished',
  'page-cap': () => 'the extraction stopped at the page cap: the snapshot is partial, nothing was marked vanished',
  'filter-ignored': (search) => `${driftSentence(search)}: not the market the search asks for, nothing was marked vanished`,
  drifted: (search) => `${driftSentence(search)}: the snapshot may be partial, nothing was marked vanished`,
  'pages-quarantined': (search) => `${search.pagesQuarantined} page(s) were unreadable: the snapshot is partial, nothing was marked vanished`,
  'sudden-drop': (search) => `${search.listingsSeen} listings against ${search.listingsSeenPreviousDay} the previous day (${search.changePct?.toFixed(1)} %)`,
  'silver-gold-mismatch': (search) => `silver wrote ${search.silverRows} rows, gold read ${search.goldRowsRead}`,
};

const driftSentence = (search: SearchQuality) => (search.driftSymptoms?.length ? search.driftSymptoms.join('; ') : 'the API answered in a way the pipeline does not recognise');

export function buildQuality(inputs: QualityInputs): DataQuality {
  const { figures, merged, previousSeries, options } = inputs;
  const seenToday = new Map(figures.searches.map((row) => [row.searchSlug, row.seenListings]));
  const comparable = previousSeries !== null && previousSeries.lastDay === inputs.previousDay;

  const searches = [...inputs.sources]
    .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0))
    .map((source): SearchQuality => {
      const { silver, bronze } = source;
      const listingsSeen = seenToday.get(source.slug) ?? 0;
      const previous = comparable ? (previousSeries.searches[source.slug]?.metrics.seenListings.at(-1) ?? null) : null;
      const changePct = previous === null || previous === 0 ? null : ((listingsSeen - previous) / previous) * 100;
      const goldRowsRead = merged.inputs.silverRows[source.slug] ?? 0;
      const quality: SearchQuality = {
        searchSlug: source.slug,
        outcome: silver.outcome,
        snapshotComplete: silver.snapshotComplete,
        marksVanished: silver.snapshotComplete && silver.outcome === 'complete',
        bronzePages: silver.counts.pagesListed,
        bronzeItems: silver.counts.bronzeItems,
        estimatedTotal: bronze?.estimatedTotal ?? null,
        extractErrors: bronze?.errors.length ?? 0,
        pagesQuarantined: silver.counts.pagesQuarantined,
        itemsQuarantined: silver.counts.itemsQuarantined,
        duplicatesCollapsed: silver.counts.duplicatesCollapsed,
        silverRows: silver.counts.rowsWritten,
        goldRowsRead,
        listingsSeen,
        listingsSeenPreviousDay: previous,
        changePct,
        flags: [],
        ...(bronze?.drift?.symptoms.some((symptom) => symptom.severity !== 'notice')
          ? { driftSymptoms: bronze.drift.symptoms.filter((symptom) => symptom.severity !== 'notice').map((symptom) => symptom.message) }
          : {}),
      };
      if (silver.outcome !== 'complete') quality.flags.push(OUTCOME_FLAGS[silver.outcome]);
      if (silver.counts.pagesQuarantined > 0) quality.flags.push('pages-quarantined');
      if (previous !== null && previous >= options.suddenDropMinPrevious && listingsSeen < options.suddenDropRatio * previous) quality.flags.push('sudden-drop');
      if (goldRowsRead !== silver.counts.rowsWritten) quality.flags.push('silver-gold-mismatch');
      return quality;
    });

  const sum = (pick: (search: SearchQuality) => number) => searches.reduce((total, search) => total + pick(search), 0);
  return {
    qualityVersion: 1,
    day: inputs.day,
    previousDay: inputs.previousDay,
    gapDays: inputs.gapDays,
    unfinishedDays: inputs.unfinishedDays,
    isFirstDay: inputs.previousDay === null,
    shardCount: inputs.shardCount,
    stages: {
      bronzePages: sum((search) => search.bronzePages),
      bronzeItems: sum((search) => search.bronzeItems),
      pagesQuarantined: sum((search) => search.pagesQuarantined),
      itemsQuarantined: sum((search) => search.itemsQuarantined),
      duplicatesCollapsed: sum((search) => search.duplicatesCollapsed),
      silverRows: sum((search) => search.silverRows),
      listingsSeen: figures.overall.seenListings,
      stateRows: merged.inputs.stateRows,
      activeListings: figures.overall.activeListings,
    },
    searches,
    alerts: searches.flatMap((search) => search.flags.map((flag) => ({ searchSlug: search.searchSlug, flag, message: MESSAGES[flag](search) }))),
    thresholds: { suddenDropRatio: options.suddenDropRatio, suddenDropMinPrevious: options.suddenDropMinPrevious },
  };
}
