/** Injection token of the Redis-transport client that publishes DomainEvents. */
export const EVENTS_CLIENT = Symbol('CLUSTERER_EVENTS_CLIENT');
