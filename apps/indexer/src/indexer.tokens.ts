/** Injection token of the Redis-transport client that publishes DomainEvents. */
export const EVENTS_CLIENT = Symbol('INDEXER_EVENTS_CLIENT');
