import type { IncomingMessage } from 'node:http';

const rawBodies = new WeakMap<object, Buffer>();

/** body-parser `verify` hook: keeps the exact bytes of the body (signatures hash them). */
export function keepRawBody(req: IncomingMessage, _res: unknown, buffer: Buffer): void {
  rawBodies.set(req, buffer);
}

/** The body's bytes as received; empty when there was none. */
export function rawBodyOf(req: object): Buffer {
  return rawBodies.get(req) ?? Buffer.alloc(0);
}
