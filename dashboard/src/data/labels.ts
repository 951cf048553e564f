import type { DashboardDay, QualityFlag } from '../../../shared/gold/dashboard.ts';
import type { ExtractOutcome } from '../../../shared/lake/bronze.ts';
import { byLang, tr } from '../i18n/lang.ts';

/** How a search's extraction ended, in words. */
export const OUTCOME_LABELS = byLang<Record<ExtractOutcome, string>>(
  {
    complete: 'completa',
    'page-cap': 'parcial (límite de páginas)',
    empty: 'vacía (sospechoso)',
    blocked: 'bloqueada',
    failed: 'fallida',
    'filter-ignored': 'filtro ignorado por la API',
    drifted: 'la API cambió de forma',
  },
  {
    complete: 'complete',
    'page-cap': 'partial (page limit)',
    empty: 'empty (suspicious)',
    blocked: 'blocked',
    failed: 'failed',
    'filter-ignored': 'filter ignored by the API',
    drifted: 'the API changed shape',
  },
);

/** Gold's quality flags, short (badges) and explained (alert banners). */
export const FLAG_LABELS = byLang<Record<QualityFlag, string>>(
  {
    failed: 'fallida',
    blocked: 'bloqueada',
    empty: 'vacía',
    'page-cap': 'límite de páginas',
    'filter-ignored': 'filtro ignorado',
    drifted: 'API cambiada',
    'pages-quarantined': 'páginas en cuarentena',
    'sudden-drop': 'caída brusca',
    'silver-gold-mismatch': 'filas silver ≠ gold',
  },
  {
    failed: 'failed',
    blocked: 'blocked',
    empty: 'empty',
    'page-cap': 'page limit',
    'filter-ignored': 'filter ignored',
    drifted: 'API changed',
    'pages-quarantined': 'pages quarantined',
    'sudden-drop': 'sudden drop',
    'silver-gold-mismatch': 'silver ≠ gold rows',
  },
);

export const FLAG_EXPLANATIONS = byLang<Record<QualityFlag, string>>(
  {
    failed: 'la extracción falló; hoy no marca anuncios como desaparecidos.',
    blocked: 'Wallapop bloqueó la extracción; hoy no marca anuncios como desaparecidos.',
    empty: 'no devolvió ningún anuncio: sospechoso (bloqueo o geolocalización), no significa que no haya mercado.',
    'page-cap': 'se detuvo en el límite de páginas: la foto del día es parcial.',
    'filter-ignored': 'la API no respetó un filtro de la búsqueda (categoría, precio o radio): no es el mercado pedido; hoy no marca anuncios como desaparecidos.',
    drifted: 'las respuestas de la API cambiaron de forma (campos ilegibles, tamaño de página, paginación): la foto puede ser parcial; hoy no marca anuncios como desaparecidos.',
    'pages-quarantined': 'algunas páginas no se pudieron leer: la foto del día es parcial.',
    'sudden-drop': 'devolvió muchos menos anuncios que el día anterior.',
    'silver-gold-mismatch': 'gold leyó un número de filas distinto del que escribió silver.',
  },
  {
    failed: 'the extraction failed; today it marks no listing as gone.',
    blocked: 'Wallapop blocked the extraction; today it marks no listing as gone.',
    empty: 'returned no listing at all: suspicious (a block or geolocation), it does not mean there is no market.',
    'page-cap': 'stopped at the page limit: the day\'s snapshot is partial.',
    'filter-ignored': 'the API did not apply one of the search\'s filters (category, price or radius): this is not the market asked for; today it marks no listing as gone.',
    drifted: 'the API\'s answers changed shape (unreadable fields, page size, paging): the snapshot may be partial; today it marks no listing as gone.',
    'pages-quarantined': 'some pages could not be read: the day\'s snapshot is partial.',
    'sudden-drop': 'returned far fewer listings than the day before.',
    'silver-gold-mismatch': 'gold read a different number of rows from the one silver wrote.',
  },
);

/**
 * What a deal is, in one sentence, for the rule the day was computed with: shown beside every
 * deal list so a reader knows what "−45 %" is measured against.
 */
export function dealRuleNote(settings: DashboardDay['settings'], scope: 'market' | 'category' | 'search'): string {
  if (settings.dealRule === 'comparables') {
    const share = Math.round(settings.dealMaxPriceToFair * 100);
    return tr(
      `precio como mucho el ${share} % de su precio justo: la mediana de al menos ${settings.dealMinComparables} anuncios parecidos (misma categoría, mismas primeras palabras del título) del día anterior`,
      `price at most ${share} % of its fair price: the median of at least ${settings.dealMinComparables} similar listings (same category, same first words of the title) of the day before`,
    );
  }
  const share = Math.round(settings.dealMaxPriceToMedian * 100);
  return scope === 'search' ? tr(`precio como mucho el ${share} % de la mediana de la búsqueda`, `price at most ${share} % of the search's median`) : tr(`precio como mucho el ${share} % de la mediana de su categoría`, `price at most ${share} % of its category's median`);
}

/** Why a deal list is empty on the first day: the fair price needs a previous day. `where` is already in the build's language. */
export function noDealsText(day: DashboardDay, where: string): string {
  return day.isFirstDay && day.settings.dealRule === 'comparables'
    ? tr('Aún no hay chollos: el precio justo se calcula con los anuncios del día anterior, y este es el primer día.', 'No deals yet: the fair price is computed from the listings of the day before, and this is the first day.')
    : tr(`Hoy no hay chollos ${where}.`, `No deals today ${where}.`);
}

/** A listing's status, in words. */
export const STATUS_LABELS = byLang<Record<'active' | 'vanished' | 'relisted' | 'untracked', string>>(
  { active: 'activo', vanished: 'vendido (probablemente)', relisted: 'reeditado', untracked: 'fuera de las búsquedas' },
  { active: 'active', vanished: 'sold (likely)', relisted: 'relisted', untracked: 'out of the searches' },
);
