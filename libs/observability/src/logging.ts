import type { IncomingMessage } from 'node:http';
import type { Job } from 'bullmq';
import { PinoLogger, type Params } from 'nestjs-pino';
import { Store, storage } from 'nestjs-pino/storage';
import type { Options } from 'pino-http';
import type { AppName } from './observability.options';
import { genRequestId } from './request-id';

/** Paths pino replaces with "[Redacted]": credentials in headers, config dumps and S3 client options. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'req.query.key',
  'req.query.token',
  '*.authorization',
  '*.apiKey',
  '*.API_KEY',
  '*.accessKey',
  '*.secretKey',
  '*.S3_ACCESS_KEY',
  '*.S3_SECRET_KEY',
  '*.password',
];

/** Routes probed every few seconds: no access log line for them (they keep the request context). */
const quietRoutes = /^\/(health\/|metrics$|favicon\.ico$)/;

export function pinoHttpOptions(app: AppName, level: string): Options {
  return {
    level,
    base: { app },
    messageKey: 'msg',
    genReqId: genRequestId,
    customAttributeKeys: { reqId: 'requestId' },
    // Bind the request id at the top level of every line written while serving the request.
    quietReqLogger: true,
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    autoLogging: { ignore: (req: IncomingMessage) => quietRoutes.test(req.url ?? '') },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

export function loggerParams(app: AppName, level: string): Params {
  return { pinoHttp: pinoHttpOptions(app, level) };
}

/** Drops secrets passed in query strings (`?key=` for the dashboard, `?token=` for webhooks). */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:key|token)=)[^&]*/gi, '$1[Redacted]');
}

/**
 * Runs `fn` with the job's id (and queue) bound to every log line written through Nest's Logger or PinoLogger
 * inside it. Workers wrap their `process(job)` body with it: `return withJobLogContext(job, () => this.handle(job))`.
 */
export function withJobLogContext<T>(job: Pick<Job, 'id' | 'queueName' | 'name'>, fn: () => Promise<T>): Promise<T> {
  const parent = storage.getStore()?.logger ?? PinoLogger.root;
  if (!parent) return fn();
  const child = parent.child({ jobId: job.id, queue: job.queueName, job: job.name });
  return storage.run(new Store(child), fn);
}
