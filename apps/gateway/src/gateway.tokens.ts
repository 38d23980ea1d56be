/** ClientProxy (Redis transport) the gateway uses to publish domain events. */
export const EVENTS_CLIENT = Symbol('EVENTS_CLIENT');
