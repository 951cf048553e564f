import type { QualityFlag } from '../../../shared/gold/dashboard.ts';
import type { ExtractOutcome } from '../../../shared/lake/bronze.ts';

/** How a search's extraction ended, in words. */
export const OUTCOME_LABELS: Record<ExtractOutcome, string> = {
  complete: 'completa',
  'page-cap': 'parcial (límite de páginas)',
  empty: 'vacía (sospechoso)',
  blocked: 'bloqueada',
  failed: 'fallida',
};

/** Gold's quality flags, short (badges) and explained (alert banners). */
export const FLAG_LABELS: Record<QualityFlag, string> = {
  failed: 'fallida',
  blocked: 'bloqueada',
  empty: 'vacía',
  'page-cap': 'límite de páginas',
  'pages-quarantined': 'páginas en cuarentena',
  'sudden-drop': 'caída brusca',
  'silver-gold-mismatch': 'filas silver ≠ gold',
};

export const FLAG_EXPLANATIONS: Record<QualityFlag, string> = {
  failed: 'la extracción falló; hoy no marca anuncios como desaparecidos.',
  blocked: 'Wallapop bloqueó la extracción; hoy no marca anuncios como desaparecidos.',
  empty: 'no devolvió ningún anuncio: sospechoso (bloqueo o geolocalización), no significa que no haya mercado.',
  'page-cap': 'se detuvo en el límite de páginas: la foto del día es parcial.',
  'pages-quarantined': 'algunas páginas no se pudieron leer: la foto del día es parcial.',
  'sudden-drop': 'devolvió muchos menos anuncios que el día anterior.',
  'silver-gold-mismatch': 'gold leyó un número de filas distinto del que escribió silver.',
};
