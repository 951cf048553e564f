import type { BronzeManifest } from './bronze.ts';

/**
 * Why a search's extraction is not a complete snapshot, in one sentence that names the search,
 * what happened and what the pipeline did about it. `status`, the run summary and the watchdog's
 * notice all say it this way.
 */
export function outcomeSentence(search: string, bronze: BronzeManifest | undefined): string | null {
  if (bronze === undefined) return `${search}: not extracted (no bronze manifest)`;
  switch (bronze.outcome) {
    case 'complete':
      return null;
    case 'filter-ignored':
    case 'drifted': {
      const symptoms =
        bronze.drift?.symptoms
          .filter((symptom) => symptom.severity !== 'notice')
          .map((symptom) => symptom.message)
          .join('; ') || 'the API answered in a way the pipeline does not recognise';
      return `${search}: extraction ${bronze.outcome}: ${symptoms}; nothing was marked vanished from it (run \`wallapop doctor\`)`;
    }
    default: {
      const error = bronze.errors[0];
      return `${search}: extraction ${bronze.outcome}${error ? ` (${error.message})` : ''}`;
    }
  }
}
