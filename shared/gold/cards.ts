import type { ListingCard, ListingFacts } from './dashboard.ts';
import { dayOfNumber } from '../lake/days.ts';
import type { ListingState } from './state.ts';

/** What a state row says the listing is and where (a card's and an alert's common fields). */
export function listingFacts(state: ListingState): ListingFacts {
  return {
    listingId: state.listing_id,
    title: state.title,
    currency: state.currency,
    categoryId: state.category_id,
    categoryName: state.category_name,
    region: state.region,
    city: state.city,
    listingUrl: state.listing_url,
    imageUrl: state.image_url,
  };
}

/** A state row as the dashboard shows it (day numbers → days, epoch ms → ISO-8601). */
export function listingCard(state: ListingState, priceDropPct: number | null): ListingCard {
  return {
    ...listingFacts(state),
    price: state.last_price,
    priceBeforeChange: state.price_before_change,
    priceChangedOn: state.price_changed_on === null ? null : dayOfNumber(state.price_changed_on),
    priceChangeCount: state.price_change_count,
    priceDropPct,
    firstPrice: state.first_price,
    minPrice: state.min_price,
    status: state.status,
    firstSeenDay: dayOfNumber(state.first_seen_day),
    lastSeenDay: dayOfNumber(state.last_seen_day),
    vanishedOn: state.vanished_on === null ? null : dayOfNumber(state.vanished_on),
    daysOnMarket: state.days_on_market,
    daysListed: state.day - state.first_seen_day,
    createdAt: state.created_at === null ? null : new Date(state.created_at).toISOString(),
    isReserved: state.is_reserved,
    isShippable: state.is_shippable,
    searches: [...state.searches],
    sellerId: state.seller_id,
    itemId: state.item_id,
    relistedFrom: state.relisted_from,
    fairPrice: state.fair_price,
    fairPriceGroup: state.fair_price_group,
    comparables: state.comparables,
    province: state.province,
    listedPreviousPrice: state.listed_previous_price,
  };
}
