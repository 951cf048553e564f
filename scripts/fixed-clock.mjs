// Starts the wall clock of a run at FIXED_CLOCK (an ISO-8601 time), for comparing the outputs of two
// checkouts (scripts/lake-digest.ts): gold reads fetch times (a listing ages out of a search's time
// window), so two demo runs half an hour apart may differ by a listing. The offset is computed once
// and handed to child processes through the environment, so a run's clock stays continuous.
// FIXED_CLOCK must be within about 15 minutes of the real time: S3 refuses requests signed further off.
//   FIXED_CLOCK=$(date -u +%Y-%m-%dT%H:%M:00Z) NODE_OPTIONS=--import=$PWD/scripts/fixed-clock.mjs npm run demo
const fixed = process.env.FIXED_CLOCK;
if (fixed !== undefined) {
  if (Number.isNaN(Date.parse(fixed))) throw new Error(`FIXED_CLOCK is not a time: ${fixed}`);
  process.env.FIXED_CLOCK_OFFSET_MS ??= String(Date.parse(fixed) - Date.now());
  const offset = Number(process.env.FIXED_CLOCK_OFFSET_MS);
  const RealDate = Date;
  globalThis.Date = class FixedClockDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  };
}
