import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ImmErrorBody, mapError } from './imm-error';
import { requestIdOf } from './request-context';

/** The one place errors become IMM error bodies `{ RequestId, Code, Message }`. */
@Catch()
export class ImmExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ImmExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      this.logger.error(`Unhandled ${host.getType()} error: ${String(exception)}`);
      return;
    }
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const requestId = requestIdOf(req);
    const mapped = mapError(exception, req.path);
    if (mapped.status >= 500) {
      this.logger.error(
        `${requestId} ${req.method} ${req.path}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
      );
    }
    if (res.headersSent) return;
    // A dependency outage or overload: clients (and IMM SDKs) retry after a pause.
    if (mapped.status === 503) res.setHeader('Retry-After', '5');
    const body: ImmErrorBody = { RequestId: requestId, Code: mapped.code, Message: mapped.message };
    res.status(mapped.status).json(body);
  }
}
