import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, Observable } from 'rxjs';
import { requestIdOf } from './request-context';

/** Every IMM response body carries the request id first: `{ RequestId, ...result }`. */
@Injectable()
export class RequestIdInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const requestId = requestIdOf(context.switchToHttp().getRequest());
    return next
      .handle()
      .pipe(
        map((result: unknown) =>
          result !== null && typeof result === 'object' && !Array.isArray(result) && !Buffer.isBuffer(result)
            ? { RequestId: requestId, ...(result as Record<string, unknown>) }
            : result,
        ),
      );
  }
}
