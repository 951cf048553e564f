import { WeightedIndex, type Random } from './random.ts';

/**
 * Spanish cities where listings live, with their real coordinates (city centre), first postal
 * code, autonomous community (`region`), province (`region2`) and approximate population, which
 * weights how many listings each one gets. `postalCodes` is how many consecutive codes from
 * `postalCode` a listing may carry (Madrid 28001–28055, a small capital just its first few).
 */
export interface City {
  name: string;
  latitude: number;
  longitude: number;
  postalCode: string;
  postalCodes: number;
  region: string;
  region2: string;
  population: number;
}

const city = (
  name: string,
  latitude: number,
  longitude: number,
  postalCode: string,
  postalCodes: number,
  region: string,
  region2: string,
  population: number,
): City => ({ name, latitude, longitude, postalCode, postalCodes, region, region2, population });

const MADRID = 'Comunidad de Madrid';
const CATALUNA = 'Cataluña';
const VALENCIANA = 'Comunidad Valenciana';
const ANDALUCIA = 'Andalucía';
const CYL = 'Castilla y León';
const CLM = 'Castilla-La Mancha';
const GALICIA = 'Galicia';
const EUSKADI = 'País Vasco';
const CANARIAS = 'Canarias';

export const CITIES: readonly City[] = [
  city('Madrid', 40.4168, -3.7038, '28001', 55, MADRID, 'Madrid', 3_340_000),
  city('Barcelona', 41.3874, 2.1686, '08001', 42, CATALUNA, 'Barcelona', 1_660_000),
  city('Valencia', 39.4699, -0.3763, '46001', 26, VALENCIANA, 'Valencia', 800_000),
  city('Sevilla', 37.3891, -5.9845, '41001', 20, ANDALUCIA, 'Sevilla', 680_000),
  city('Zaragoza', 41.6488, -0.8891, '50001', 20, 'Aragón', 'Zaragoza', 675_000),
  city('Málaga', 36.7213, -4.4214, '29001', 20, ANDALUCIA, 'Málaga', 580_000),
  city('Murcia', 37.9922, -1.1307, '30001', 12, 'Región de Murcia', 'Murcia', 465_000),
  city('Palma', 39.5696, 2.6502, '07001', 15, 'Islas Baleares', 'Islas Baleares', 420_000),
  city('Las Palmas de Gran Canaria', 28.1235, -15.4363, '35001', 18, CANARIAS, 'Las Palmas', 380_000),
  city('Bilbao', 43.263, -2.935, '48001', 15, EUSKADI, 'Vizcaya', 346_000),
  city('Alicante', 38.3452, -0.481, '03001', 16, VALENCIANA, 'Alicante', 337_000),
  city('Córdoba', 37.8882, -4.7794, '14001', 14, ANDALUCIA, 'Córdoba', 322_000),
  city('Valladolid', 41.6523, -4.7245, '47001', 15, CYL, 'Valladolid', 298_000),
  city('Vigo', 42.2406, -8.7207, '36201', 15, GALICIA, 'Pontevedra', 293_000),
  city('Gijón', 43.5322, -5.6611, '33201', 13, 'Principado de Asturias', 'Asturias', 268_000),
  city("L'Hospitalet de Llobregat", 41.3596, 2.0997, '08901', 8, CATALUNA, 'Barcelona', 265_000),
  city('Vitoria-Gasteiz', 42.8467, -2.6716, '01001', 15, EUSKADI, 'Álava', 255_000),
  city('A Coruña', 43.3623, -8.4115, '15001', 11, GALICIA, 'A Coruña', 247_000),
  city('Elche', 38.2669, -0.6983, '03201', 8, VALENCIANA, 'Alicante', 235_000),
  city('Granada', 37.1773, -3.5986, '18001', 15, ANDALUCIA, 'Granada', 230_000),
  city('Terrassa', 41.5632, 2.0089, '08221', 7, CATALUNA, 'Barcelona', 224_000),
  city('Badalona', 41.45, 2.2474, '08911', 8, CATALUNA, 'Barcelona', 223_000),
  city('Oviedo', 43.3614, -5.8494, '33001', 13, 'Principado de Asturias', 'Asturias', 219_000),
  city('Cartagena', 37.6257, -0.9966, '30201', 5, 'Región de Murcia', 'Murcia', 216_000),
  city('Sabadell', 41.5463, 2.1086, '08201', 8, CATALUNA, 'Barcelona', 215_000),
  city('Jerez de la Frontera', 36.685, -6.1261, '11401', 8, ANDALUCIA, 'Cádiz', 213_000),
  city('Móstoles', 40.3223, -3.8649, '28931', 8, MADRID, 'Madrid', 210_000),
  city('Santa Cruz de Tenerife', 28.4636, -16.2518, '38001', 10, CANARIAS, 'Santa Cruz de Tenerife', 209_000),
  city('Pamplona', 42.8125, -1.6458, '31001', 16, 'Comunidad Foral de Navarra', 'Navarra', 203_000),
  city('Almería', 36.834, -2.4637, '04001', 10, ANDALUCIA, 'Almería', 200_000),
  city('Alcalá de Henares', 40.4818, -3.3643, '28801', 6, MADRID, 'Madrid', 197_000),
  city('Fuenlabrada', 40.2842, -3.7942, '28941', 7, MADRID, 'Madrid', 193_000),
  city('Leganés', 40.3272, -3.7635, '28911', 8, MADRID, 'Madrid', 190_000),
  city('San Sebastián', 43.3183, -1.9812, '20001', 18, EUSKADI, 'Guipúzcoa', 188_000),
  city('Getafe', 40.3057, -3.7329, '28901', 9, MADRID, 'Madrid', 185_000),
  city('Burgos', 42.3439, -3.6969, '09001', 8, CYL, 'Burgos', 174_000),
  city('Albacete', 38.9943, -1.8585, '02001', 8, CLM, 'Albacete', 173_000),
  city('Santander', 43.4623, -3.8099, '39001', 12, 'Cantabria', 'Cantabria', 172_000),
  city('Castellón de la Plana', 39.9864, -0.0513, '12001', 6, VALENCIANA, 'Castellón', 172_000),
  city('Alcorcón', 40.3458, -3.8249, '28921', 5, MADRID, 'Madrid', 170_000),
  city('Logroño', 42.4627, -2.445, '26001', 9, 'La Rioja', 'La Rioja', 151_000),
  city('Badajoz', 38.8794, -6.9707, '06001', 11, 'Extremadura', 'Badajoz', 150_000),
  city('Marbella', 36.5101, -4.8825, '29601', 3, ANDALUCIA, 'Málaga', 150_000),
  city('Salamanca', 40.9701, -5.6635, '37001', 9, CYL, 'Salamanca', 144_000),
  city('Huelva', 37.2614, -6.9447, '21001', 7, ANDALUCIA, 'Huelva', 142_000),
  city('Lleida', 41.6176, 0.62, '25001', 8, CATALUNA, 'Lleida', 140_000),
  city('Tarragona', 41.1189, 1.2445, '43001', 8, CATALUNA, 'Tarragona', 136_000),
  city('León', 42.5987, -5.5671, '24001', 10, CYL, 'León', 122_000),
  city('Cádiz', 36.5271, -6.2886, '11001', 12, ANDALUCIA, 'Cádiz', 113_000),
  city('Jaén', 37.7796, -3.7849, '23001', 9, ANDALUCIA, 'Jaén', 111_000),
  city('Girona', 41.9794, 2.8214, '17001', 7, CATALUNA, 'Girona', 103_000),
  city('Ourense', 42.3358, -7.8639, '32001', 5, GALICIA, 'Ourense', 104_000),
  city('Lugo', 43.0097, -7.5568, '27001', 4, GALICIA, 'Lugo', 98_000),
  city('Santiago de Compostela', 42.8782, -8.5448, '15701', 5, GALICIA, 'A Coruña', 98_000),
  city('Cáceres', 39.4753, -6.3724, '10001', 5, 'Extremadura', 'Cáceres', 96_000),
  city('Guadalajara', 40.6326, -3.166, '19001', 5, CLM, 'Guadalajara', 87_000),
  city('Toledo', 39.8628, -4.0273, '45001', 7, CLM, 'Toledo', 86_000),
  city('Pontevedra', 42.431, -8.6444, '36001', 5, GALICIA, 'Pontevedra', 83_000),
  city('Palencia', 42.0097, -4.5288, '34001', 5, CYL, 'Palencia', 77_000),
  city('Ciudad Real', 38.9848, -3.9274, '13001', 5, CLM, 'Ciudad Real', 75_000),
  city('Zamora', 41.5034, -5.7467, '49001', 5, CYL, 'Zamora', 60_000),
  city('Ávila', 40.6564, -4.6818, '05001', 5, CYL, 'Ávila', 58_000),
  city('Cuenca', 40.0704, -2.1374, '16001', 4, CLM, 'Cuenca', 54_000),
  city('Huesca', 42.1401, -0.4089, '22001', 5, 'Aragón', 'Huesca', 53_000),
  city('Segovia', 40.9429, -4.1088, '40001', 5, CYL, 'Segovia', 51_000),
  city('Soria', 41.7666, -2.4790, '42001', 4, CYL, 'Soria', 40_000),
  city('Teruel', 40.3457, -1.1065, '44001', 3, 'Aragón', 'Teruel', 36_000),
  city('Ceuta', 35.8894, -5.3213, '51001', 2, 'Ceuta', 'Ceuta', 83_000),
  city('Melilla', 35.2923, -2.9381, '52001', 6, 'Melilla', 'Melilla', 86_000),
];

const cityWeights = new WeightedIndex(CITIES.map((entry) => entry.population));

export function pickCityIndex(random: Random): number {
  return cityWeights.pick(random);
}

const LARGEST_POPULATION = CITIES[0]!.population;
const KM_PER_DEGREE_LATITUDE = 111.32;

/**
 * A point within a few km of the city centre (uniform over a disc whose radius grows with the
 * city: ~9 km in Madrid, ~2.5 km in a small capital), as integer 1e-5 degrees (~1 m), the
 * precision the simulator serves and filters with.
 */
export function jitteredLocation(cityIndex: number, random: Random): { latitudeE5: number; longitudeE5: number } {
  const center = CITIES[cityIndex]!;
  const radiusKm = 2 + 7 * Math.sqrt(center.population / LARGEST_POPULATION);
  const distanceKm = radiusKm * Math.sqrt(random.next());
  const bearing = 2 * Math.PI * random.next();
  const latitude = center.latitude + (distanceKm * Math.cos(bearing)) / KM_PER_DEGREE_LATITUDE;
  const longitude =
    center.longitude + (distanceKm * Math.sin(bearing)) / (KM_PER_DEGREE_LATITUDE * Math.cos((center.latitude * Math.PI) / 180));
  return { latitudeE5: Math.round(latitude * 1e5), longitudeE5: Math.round(longitude * 1e5) };
}

export function postalCodeOf(cityIndex: number, unit: number): string {
  const center = CITIES[cityIndex]!;
  const offset = Math.floor(unit * center.postalCodes);
  return String(Number(center.postalCode) + offset).padStart(5, '0');
}

const EARTH_RADIUS_KM = 6371;
const RADIANS = Math.PI / 180;

/** Great-circle distance in km (haversine, mean Earth radius 6371 km). */
export function haversineKm(latitudeA: number, longitudeA: number, latitudeB: number, longitudeB: number): number {
  const dLat = (latitudeB - latitudeA) * RADIANS;
  const dLon = (longitudeB - longitudeA) * RADIANS;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(latitudeA * RADIANS) * Math.cos(latitudeB * RADIANS) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
