import type { DashboardDay, QualityFlag } from '../../../shared/gold/dashboard.ts';
import type { ExtractOutcome } from '../../../shared/lake/bronze.ts';

/** How a search's extraction ended, in words. */
export const OUTCOME_LABELS: Record<ExtractOutcome, string> = {
  complete: 'completa',
  'page-cap': 'parcial (límite de páginas)',
  empty: 'vacía (sospechoso)',
  blocked: 'bloqueada',
  failed: 'fallida',
  'filter-ignored': 'filtro ignorado por la API',
  drifted: 'la API cambió de forma',
};

/** Gold's quality flags, short (badges) and explained (alert banners). */
export const FLAG_LABELS: Record<QualityFlag, string> = {
  failed: 'fallida',
  blocked: 'bloqueada',
  empty: 'vacía',
  'page-cap': 'límite de páginas',
  'filter-ignored': 'filtro ignorado',
  drifted: 'API cambiada',
  'pages-quarantined': 'páginas en cuarentena',
  'sudden-drop': 'caída brusca',
  'silver-gold-mismatch': 'filas silver ≠ gold',
};

export const FLAG_EXPLANATIONS: Record<QualityFlag, string> = {
  failed: 'la extracción falló; hoy no marca anuncios como desaparecidos.',
  blocked: 'Wallapop bloqueó la extracción; hoy no marca anuncios como desaparecidos.',
  empty: 'no devolvió ningún anuncio: sospechoso (bloqueo o geolocalización), no significa que no haya mercado.',
  'page-cap': 'se detuvo en el límite de páginas: la foto del día es parcial.',
  'filter-ignored': 'la API no respetó un filtro de la búsqueda (categoría, precio o radio): no es el mercado pedido; hoy no marca anuncios como desaparecidos.',
  drifted: 'las respuestas de la API cambiaron de forma (campos ilegibles, tamaño de página, paginación): la foto puede ser parcial; hoy no marca anuncios como desaparecidos.',
  'pages-quarantined': 'algunas páginas no se pudieron leer: la foto del día es parcial.',
  'sudden-drop': 'devolvió muchos menos anuncios que el día anterior.',
  'silver-gold-mismatch': 'gold leyó un número de filas distinto del que escribió silver.',
};

/**
 * What a deal is, in one sentence, for the rule the day was computed with: shown beside every
 * deal list so a reader knows what "−45 %" is measured against.
 */
export function dealRuleNote(settings: DashboardDay['settings'], scope: 'market' | 'category' | 'search'): string {
  if (settings.dealRule === 'comparables') {
    return `precio como mucho el ${Math.round(settings.dealMaxPriceToFair * 100)} % de su precio justo: la mediana de al menos ${settings.dealMinComparables} anuncios parecidos (misma categoría, mismas primeras palabras del título) del día anterior`;
  }
  const peer = scope === 'search' ? 'la búsqueda' : 'su categoría';
  return `precio como mucho el ${Math.round(settings.dealMaxPriceToMedian * 100)} % de la mediana de ${peer}`;
}

/** Why a deal list is empty on the first day: the fair price needs a previous day. */
export function noDealsText(day: DashboardDay, where: string): string {
  return day.isFirstDay && day.settings.dealRule === 'comparables'
    ? 'Aún no hay chollos: el precio justo se calcula con los anuncios del día anterior, y este es el primer día.'
    : `Hoy no hay chollos ${where}.`;
}

/** A listing's status, in words. */
export const STATUS_LABELS = {
  active: 'activo',
  vanished: 'vendido (probablemente)',
  relisted: 'reeditado',
  untracked: 'fuera de las búsquedas',
} as const;
