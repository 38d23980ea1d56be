import { DomainError, ErrorCode } from '@app/contracts';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { WebhookClient } from './webhook.client';

/**
 * Refuses a request whose `Notification.HTTP.Endpoint` the webhook client would never call (plain http without
 * WEBHOOK_ALLOW_HTTP, a literal internal address), before the operation records anything. Names that resolve
 * to internal addresses are caught when the notification is delivered.
 */
@Injectable()
export class NotificationEndpointInterceptor implements NestInterceptor {
  constructor(private readonly webhook: WebhookClient) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const body = context.switchToHttp().getRequest<Request>().body as unknown;
      const endpoint = endpointOf(body);
      const why = endpoint === undefined ? undefined : this.webhook.refusal(endpoint);
      if (why) {
        throw new DomainError(
          ErrorCode.InvalidEndpoint,
          `The parameter Notification.HTTP.Endpoint is invalid: ${why}.`,
        );
      }
    }
    return next.handle();
  }
}

function endpointOf(body: unknown): string | undefined {
  const notification = isRecord(body) && Object.hasOwn(body, 'Notification') ? body['Notification'] : undefined;
  const http = isRecord(notification) && Object.hasOwn(notification, 'HTTP') ? notification['HTTP'] : undefined;
  const endpoint = isRecord(http) && Object.hasOwn(http, 'Endpoint') ? http['Endpoint'] : undefined;
  return typeof endpoint === 'string' ? endpoint : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
