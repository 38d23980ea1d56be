import type { Request } from 'express';

/** The only IMM API version facecluster speaks. */
export const IMM_API_VERSION = '2020-09-30';

/**
 * The parameters of an RPC request: query string, then the body (form or JSON object) over it. Repeated
 * query parameters keep their first value. Own properties only.
 */
export function rpcParams(req: Pick<Request, 'query' | 'body'>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const put = (name: string, value: unknown): void => {
    Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    put(name, Array.isArray(value) ? value[0] : value);
  }
  const body: unknown = req.body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) put(name, value);
  }
  return params;
}
