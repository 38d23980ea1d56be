/**
 * Errors that mean a dependency (PostgreSQL, Redis) is unreachable or overloaded rather than that the request or
 * the data is wrong: the API answers them with 503 ServiceUnavailable, the workers retry them with backoff.
 */

/** PostgreSQL SQLSTATEs of an unreachable, restarting or overloaded server (classes 08, 53, 57P). */
const unavailableSqlStates = /^(08|53|57P0[1-4])/;
/** Node socket errors of a connection that could not be made or was cut. */
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** Messages of pg, pg-pool, TypeORM and ioredis for a lost connection (they carry no code). */
const lostConnectionMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
  'Driver not Connected',
];

export type UnavailableKind = 'timeout' | 'unavailable';

/** Why an error means "try again later", or undefined when it does not. */
export function unavailableKind(error: unknown): UnavailableKind | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const { code, driverError, cause } = current as Error & { code?: unknown; driverError?: unknown; cause?: unknown };
    if (code === '57014') return 'timeout'; // query_canceled: statement_timeout
    if (typeof code === 'string' && (unavailableSqlStates.test(code) || socketCodes.has(code))) return 'unavailable';
    if (current.name === 'MaxRetriesPerRequestError') return 'unavailable';
    if (lostConnectionMessages.some((m) => current instanceof Error && current.message.includes(m))) {
      return 'unavailable';
    }
    current = driverError ?? cause;
  }
  return undefined;
}
