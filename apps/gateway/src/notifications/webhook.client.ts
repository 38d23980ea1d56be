import { APP_CONFIG, GatewayConfig } from '@app/config';
import { DomainError, ErrorCode } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { WebhookAddressPolicy } from './webhook-address.policy';

/** The endpoint may never be called (scheme, address or redirect refused): retrying cannot help. */
export class WebhookRefusedError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.InvalidEndpoint, message);
    this.name = 'WebhookRefusedError';
  }
}

type WebhookConfig = Pick<
  GatewayConfig,
  'WEBHOOK_ALLOW_HTTP' | 'WEBHOOK_ALLOWED_NETWORKS' | 'WEBHOOK_TIMEOUT_MS' | 'WEBHOOK_MAX_RESPONSE_BYTES'
>;

/**
 * The only place the gateway makes outbound HTTP calls (webhook deliveries), so the only place a caller-chosen
 * URL is fetched. https only unless WEBHOOK_ALLOW_HTTP; the address is checked after DNS resolution, inside the
 * socket's own lookup, so the address connected to is the address checked (no DNS rebinding between check and
 * connect); literal IPs are checked before connecting; redirects are never followed; one timeout covers the
 * whole exchange and at most WEBHOOK_MAX_RESPONSE_BYTES of the response are read.
 */
@Injectable()
export class WebhookClient {
  private readonly policy: WebhookAddressPolicy;

  constructor(@Inject(APP_CONFIG) private readonly config: WebhookConfig) {
    this.policy = new WebhookAddressPolicy(config.WEBHOOK_ALLOWED_NETWORKS);
  }

  /** Why an endpoint is refused before any connection (scheme, literal address), or undefined. */
  refusal(endpoint: string): string | undefined {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return 'it is not a URL';
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.config.WEBHOOK_ALLOW_HTTP)) {
      return this.config.WEBHOOK_ALLOW_HTTP ? 'only http and https are allowed' : 'only https is allowed';
    }
    if (url.username || url.password) return 'credentials in the URL are not allowed';
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host)) {
      const why = this.policy.refusal(host);
      if (why) return `the address ${host} is ${why}`;
    }
    return undefined;
  }

  /**
   * POSTs JSON; resolves the HTTP status. Network errors and timeouts reject with a plain Error (worth a retry);
   * a refused scheme, address or a redirect rejects with WebhookRefusedError. `options.rawBody` sends these exact
   * bytes instead of serialising `body` (a signed body must be the bytes that were signed); `options.headers` adds
   * headers.
   */
  async post(
    endpoint: string,
    body: unknown,
    options: { rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<number> {
    const why = this.refusal(endpoint);
    if (why) throw new WebhookRefusedError(`The notification endpoint is refused: ${why}.`);
    const url = new URL(endpoint);
    const payload = Buffer.from(options.rawBody ?? JSON.stringify(body), 'utf8');
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, {
        method: 'POST',
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': payload.length,
          'user-agent': 'facecluster-notify/1.0',
        },
        lookup: this.checkedLookup,
        signal: AbortSignal.timeout(this.config.WEBHOOK_TIMEOUT_MS),
        agent: false,
      });
      req.once('response', resolve);
      req.once('error', (error: Error) =>
        reject(
          error.name === 'AbortError'
            ? new Error(`The notification endpoint did not answer within ${this.config.WEBHOOK_TIMEOUT_MS} ms.`)
            : error,
        ),
      );
      req.end(payload);
    });
    const status = response.statusCode ?? 0;
    await this.drain(response);
    if (status >= 300 && status < 400) {
      throw new WebhookRefusedError(
        `The notification endpoint answered a redirect (HTTP ${status}); redirects are not followed.`,
      );
    }
    return status;
  }

  /** dns.lookup, failing when any address the name resolves to is refused by the policy. */
  private readonly checkedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => this.policy.refusal(a.address) !== undefined);
      if (refused || addresses.length === 0) {
        const why = refused ? `${refused.address} is ${this.policy.refusal(refused.address)}` : 'no address';
        return callback(
          new WebhookRefusedError(`The notification endpoint is refused: ${hostname} resolves to ${why}.`),
          '',
          0,
        );
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };

  /** Reads at most WEBHOOK_MAX_RESPONSE_BYTES of the body (nobody needs it), then closes the connection. */
  private drain(response: IncomingMessage): Promise<void> {
    return new Promise((resolve) => {
      let read = 0;
      const done = (): void => {
        response.removeAllListeners('data');
        resolve();
      };
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > this.config.WEBHOOK_MAX_RESPONSE_BYTES) {
          response.destroy();
          done();
        }
      });
      response.once('end', done);
      response.once('error', done);
      response.once('close', done);
    });
  }
}
