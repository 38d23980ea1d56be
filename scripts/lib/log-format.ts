/**
 * How `npm start` shows the apps' pino lines: `pretty` turns each JSON line into one short coloured line
 * (pino-pretty) and hides Nest's start-up chatter (module and route listings); `json` passes every line on
 * unchanged, for log collectors.
 */
import { prettyFactory } from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

/** Nest's own start-up lines (one per module, controller and route): info level, nothing to act on. */
const BOOT_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
  'NestMicroservice',
  // The Redis transport's connection notices (reconnects and errors are warnings and still show).
  'Server',
]);

interface PinoLine {
  level?: number;
  msg?: string;
  context?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  [key: string]: unknown;
}

/** Returns the text to print for one line of an app's output, or undefined to print nothing. */
export function createLineFormatter(format: LogFormat, colour: boolean): (line: string) => string | undefined {
  if (format === 'json') return (line) => line;
  const prettify = prettyFactory({
    colorize: colour,
    translateTime: 'SYS:HH:MM:ss',
    singleLine: true,
    ignore: 'pid,hostname,app,context,req,res,responseTime,requestId,reqId',
    messageFormat: (log: PinoLine) => {
      if (log.req && log.res) {
        const time = typeof log.responseTime === 'number' ? ` ${log.responseTime} ms` : '';
        return `${log.req.method ?? ''} ${log.req.url ?? ''} ${log.res.statusCode ?? ''}${time}`;
      }
      return log.context ? `${log.context}: ${log.msg ?? ''}` : (log.msg ?? '');
    },
  });
  return (line) => {
    if (!line.startsWith('{')) return line;
    let parsed: PinoLine;
    try {
      parsed = JSON.parse(line) as PinoLine;
    } catch {
      return line;
    }
    if ((parsed.level ?? 30) <= 30 && parsed.context && BOOT_CONTEXTS.has(parsed.context)) return undefined;
    return prettify(parsed).trimEnd();
  };
}
