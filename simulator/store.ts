/**
 * Every listing the market has ever had, as parallel typed arrays indexed by serial (the order in
 * which listings were created). About 45 bytes a listing, so a million-listing market and a month
 * of its history fit in well under 200 MB. History is append-only: a day's state is read back
 * through day indices (`goneDay > d` means "still there on day d"), so every past day stays
 * queryable without snapshots.
 */

/** "Never" in the Uint16 day-index columns. */
export const NEVER = 0xffff;

export class ListingStore {
  count = 0;
  /** The serial whose text, seller and product this listing reuses (itself, unless relisted). */
  origin = new Uint32Array(0);
  category = new Uint16Array(0);
  city = new Uint8Array(0);
  /** Coordinates in 1e-5 degrees: exactly what the API serves and what distance filters use. */
  latitudeE5 = new Int32Array(0);
  longitudeE5 = new Int32Array(0);
  /** Price when published, in euro cents; later prices live in the drop log. */
  basePriceCents = new Uint32Array(0);
  createdAt = new Float64Array(0);
  /** Day index on which the listing vanished (sold or removed), or NEVER. */
  goneDay = new Uint16Array(0);
  /** Reserved on days [reservedFrom, reservedUntil); NEVER when not. */
  reservedFrom = new Uint16Array(0);
  reservedUntil = new Uint16Array(0);
  /** Latest entry of this listing in the drop log, or -1. */
  lastDrop = new Int32Array(0);
  /** How a relist edited its title (0: not edited; see text.ts `editTitle`). */
  titleEdit = new Uint8Array(0);

  dropCount = 0;
  dropSerial = new Uint32Array(0);
  dropDay = new Uint16Array(0);
  dropPriceCents = new Uint32Array(0);
  /** The same listing's previous drop, or -1: a per-listing linked list, newest first. */
  dropPrevious = new Int32Array(0);

  constructor(initialCapacity: number) {
    this.resizeListings(Math.max(16, initialCapacity));
    this.resizeDrops(Math.max(16, initialCapacity >>> 4));
  }

  /** Makes room for `extra` more listings and returns the first new serial. */
  allocate(extra: number): number {
    const first = this.count;
    const needed = first + extra;
    if (needed > this.origin.length) this.resizeListings(Math.max(needed, Math.ceil(this.origin.length * 1.25)));
    this.count = needed;
    this.goneDay.fill(NEVER, first, needed);
    this.reservedFrom.fill(NEVER, first, needed);
    this.reservedUntil.fill(NEVER, first, needed);
    this.lastDrop.fill(-1, first, needed);
    this.titleEdit.fill(0, first, needed);
    return first;
  }

  addDrop(serial: number, day: number, priceCents: number): void {
    if (this.dropCount === this.dropSerial.length) this.resizeDrops(this.dropSerial.length * 2);
    const entry = this.dropCount;
    this.dropSerial[entry] = serial;
    this.dropDay[entry] = day;
    this.dropPriceCents[entry] = priceCents;
    this.dropPrevious[entry] = this.lastDrop[serial]!;
    this.lastDrop[serial] = entry;
    this.dropCount += 1;
  }

  isAlive(serial: number, day: number): boolean {
    return this.goneDay[serial]! > day;
  }

  isReserved(serial: number, day: number): boolean {
    return this.reservedFrom[serial]! <= day && this.reservedUntil[serial]! > day;
  }

  /** The drop-log entry in force on `day`, or -1 when the listing still has its first price. */
  dropInForce(serial: number, day: number): number {
    let entry = this.lastDrop[serial]!;
    while (entry >= 0 && this.dropDay[entry]! > day) entry = this.dropPrevious[entry]!;
    return entry;
  }

  priceCents(serial: number, day: number): number {
    const entry = this.dropInForce(serial, day);
    return entry >= 0 ? this.dropPriceCents[entry]! : this.basePriceCents[serial]!;
  }

  /** The price before drop-log entry `entry`. */
  priceBeforeDrop(entry: number): number {
    const previous = this.dropPrevious[entry]!;
    return previous >= 0 ? this.dropPriceCents[previous]! : this.basePriceCents[this.dropSerial[entry]!]!;
  }

  /** Bytes held by the columns (capacity, not count). */
  byteLength(): number {
    const columns = [
      this.origin, this.category, this.city, this.latitudeE5, this.longitudeE5, this.basePriceCents, this.createdAt,
      this.goneDay, this.reservedFrom, this.reservedUntil, this.lastDrop, this.titleEdit, this.dropSerial, this.dropDay,
      this.dropPriceCents, this.dropPrevious,
    ];
    return columns.reduce((sum, column) => sum + column.byteLength, 0);
  }

  private resizeListings(capacity: number): void {
    this.origin = grow(this.origin, capacity);
    this.category = grow(this.category, capacity);
    this.city = grow(this.city, capacity);
    this.latitudeE5 = grow(this.latitudeE5, capacity);
    this.longitudeE5 = grow(this.longitudeE5, capacity);
    this.basePriceCents = grow(this.basePriceCents, capacity);
    this.createdAt = grow(this.createdAt, capacity);
    this.goneDay = grow(this.goneDay, capacity);
    this.reservedFrom = grow(this.reservedFrom, capacity);
    this.reservedUntil = grow(this.reservedUntil, capacity);
    this.lastDrop = grow(this.lastDrop, capacity);
    this.titleEdit = grow(this.titleEdit, capacity);
  }

  private resizeDrops(capacity: number): void {
    this.dropSerial = grow(this.dropSerial, capacity);
    this.dropDay = grow(this.dropDay, capacity);
    this.dropPriceCents = grow(this.dropPriceCents, capacity);
    this.dropPrevious = grow(this.dropPrevious, capacity);
  }
}

type TypedColumn = Uint32Array | Uint16Array | Uint8Array | Int32Array | Float64Array;

function grow<T extends TypedColumn>(column: T, capacity: number): T {
  const bigger = new (column.constructor as new (length: number) => T)(capacity);
  bigger.set(column as never);
  return bigger;
}
