/**
 * Where Spain's regions are, for the map. Gold names regions (Wallapop's `location.region`: an
 * autonomous community, sometimes a province) but carries no coordinates, so the dashboard keeps
 * an approximate centre for each community and province here. A region not in this table is listed
 * in the tables and left off the map (the map says how many).
 */

/** [longitude, latitude] */
export type LonLat = readonly [number, number];

const COMMUNITIES: Record<string, LonLat> = {
  'andalucia': [-4.58, 37.46],
  'aragon': [-0.66, 41.52],
  'principado de asturias': [-5.99, 43.29],
  'asturias': [-5.99, 43.29],
  'islas baleares': [2.91, 39.57],
  'illes balears': [2.91, 39.57],
  'baleares': [2.91, 39.57],
  'canarias': [-15.63, 28.29],
  'islas canarias': [-15.63, 28.29],
  'cantabria': [-4.03, 43.2],
  'castilla y leon': [-4.78, 41.75],
  'castilla-la mancha': [-3.0, 39.58],
  'castilla la mancha': [-3.0, 39.58],
  'cataluna': [1.53, 41.8],
  'catalunya': [1.53, 41.8],
  'comunidad valenciana': [-0.55, 39.4],
  'comunitat valenciana': [-0.55, 39.4],
  'extremadura': [-6.15, 39.19],
  'galicia': [-7.91, 42.75],
  'comunidad de madrid': [-3.7, 40.42],
  'madrid': [-3.7, 40.42],
  'region de murcia': [-1.5, 38.0],
  'murcia': [-1.5, 38.0],
  'comunidad foral de navarra': [-1.65, 42.67],
  'navarra': [-1.65, 42.67],
  'pais vasco': [-2.62, 43.04],
  'euskadi': [-2.62, 43.04],
  'la rioja': [-2.52, 42.28],
  'ceuta': [-5.32, 35.89],
  'melilla': [-2.94, 35.29],
};

const PROVINCES: Record<string, LonLat> = {
  'alava': [-2.67, 42.85],
  'araba': [-2.67, 42.85],
  'albacete': [-1.86, 38.99],
  'alicante': [-0.48, 38.35],
  'almeria': [-2.46, 36.83],
  'avila': [-4.7, 40.66],
  'badajoz': [-6.97, 38.88],
  'barcelona': [2.17, 41.39],
  'burgos': [-3.7, 42.34],
  'caceres': [-6.37, 39.47],
  'cadiz': [-6.29, 36.53],
  'castellon': [-0.05, 39.99],
  'ciudad real': [-3.93, 38.98],
  'cordoba': [-4.78, 37.89],
  'a coruna': [-8.41, 43.36],
  'la coruna': [-8.41, 43.36],
  'cuenca': [-2.14, 40.07],
  'girona': [2.82, 41.98],
  'granada': [-3.6, 37.18],
  'guadalajara': [-3.17, 40.63],
  'guipuzcoa': [-1.98, 43.32],
  'gipuzkoa': [-1.98, 43.32],
  'huelva': [-6.95, 37.26],
  'huesca': [-0.41, 42.14],
  'jaen': [-3.79, 37.77],
  'leon': [-5.57, 42.6],
  'lleida': [0.62, 41.62],
  'lugo': [-7.56, 43.01],
  'malaga': [-4.42, 36.72],
  'ourense': [-7.86, 42.34],
  'palencia': [-4.53, 42.01],
  'las palmas': [-15.44, 28.12],
  'pontevedra': [-8.64, 42.43],
  'salamanca': [-5.66, 40.97],
  'santa cruz de tenerife': [-16.25, 28.46],
  'segovia': [-4.12, 40.95],
  'sevilla': [-5.98, 37.39],
  'soria': [-2.46, 41.76],
  'tarragona': [1.25, 41.12],
  'teruel': [-1.11, 40.34],
  'toledo': [-4.02, 39.86],
  'valencia': [-0.38, 39.47],
  'valladolid': [-4.72, 41.65],
  'vizcaya': [-2.93, 43.26],
  'bizkaia': [-2.93, 43.26],
  'zamora': [-5.75, 41.5],
  'zaragoza': [-0.89, 41.65],
};

/** Lowercase, accents off, spaces collapsed: how names are matched. */
export function placeKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The approximate centre of a region, or null when the name is not a known community or province. */
export function regionCentre(region: string | null): LonLat | null {
  if (region === null) return null;
  const key = placeKey(region);
  return COMMUNITIES[key] ?? PROVINCES[key] ?? null;
}

/**
 * The Canary Islands are drawn as an inset south-west of the peninsula (as Spanish maps do): this
 * shift moves them there; `inCanaries` says which points get it.
 */
export const CANARIES_SHIFT: LonLat = [5.5, 6.6];
export const inCanaries = ([lon, lat]: LonLat): boolean => lat < 30.5 && lon < -12;
export const toInset = (point: LonLat): LonLat => (inCanaries(point) ? [point[0] + CANARIES_SHIFT[0], point[1] + CANARIES_SHIFT[1]] : point);
