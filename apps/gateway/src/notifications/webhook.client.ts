import { Injectable } from '@nestjs/common';

/** The only place the gateway makes outbound HTTP calls (webhook deliveries). */
@Injectable()
export class WebhookClient {
  /**
   * POSTs JSON; resolves the HTTP status (network errors and timeouts reject). `options.rawBody` sends these exact
   * bytes instead of serialising `body` (a signed body must be the bytes that were signed); `options.headers` adds
   * headers.
   */
  async post(
    endpoint: string,
    body: unknown,
    timeoutMs = 10_000,
    options: { rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<number> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        ...options.headers,
        'content-type': 'application/json',
        'user-agent': 'facecluster-notify/1.0',
      },
      body: options.rawBody ?? JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    return response.status;
  }
}
