/**
 * The market every command simulates unless told otherwise (`wallapop run --source sim`, `demo`,
 * `sim`, `npm run signals`): one size, the one the signals are scored at. A module of its own so
 * that the CLI can show it without loading the simulator.
 */
export const DEFAULT_LISTINGS = 60_000;
