import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Structured JSON logs. Credentials never reach them: pino-http logs no bodies, and these paths
 * are censored wherever they appear.
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

export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'peerdex-server' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
