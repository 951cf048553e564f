import type { ExtractOutcome } from '../../../shared/lake/bronze.ts';

/** How a search's extraction ended, in words. */
export const OUTCOME_LABELS: Record<ExtractOutcome, string> = {
  complete: 'completa',
  'page-cap': 'parcial (límite de páginas)',
  empty: 'vacía (sospechoso)',
  blocked: 'bloqueada',
  failed: 'fallida',
};
