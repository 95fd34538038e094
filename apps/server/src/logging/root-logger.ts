import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * Structured JSON logs. Credentials never reach them: request logs carry no bodies, and these
 * paths are censored wherever they appear.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.ticket',
];

/** `auto`: readable lines on a terminal, JSON lines otherwise (a file, a pipe, a log collector). */
export type LogFormat = 'auto' | 'json' | 'pretty';

export function resolveLogFormat(format: LogFormat, isTerminal: boolean): 'json' | 'pretty' {
  return format === 'auto' ? (isTerminal ? 'pretty' : 'json') : format;
}

export function createRootLogger(level: string, options: { destination?: DestinationStream; format?: 'json' | 'pretty' } = {}): Logger {
  const config = { level, base: { service: 'peerdex-server' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  const destination = options.format === 'pretty' ? prettyStream(options.destination) : options.destination;
  return destination ? pino(config, destination) : pino(config);
}

/**
 * One line per record for a person: time, level, `[context]` and the message; request records
 * already say method, URL, status and time in their message, so their objects are left out.
 */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  return pretty({
    destination: destination ?? 1,
    sync: true,
    colorize: !destination && process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,context,req,res,responseTime',
    messageFormat: '{if context}[{context}] {end}{msg}',
    singleLine: true,
  });
}
