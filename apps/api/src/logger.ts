import { pino, type DestinationStream, type Level, type Logger } from 'pino';

/**
 * Paths no log line may show, whatever a future serializer or log call passes in: credentials
 * and user text. (Request bodies are never logged: the request serializer keeps id, method, url.)
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'req.body',
  'body',
  'text',
  'texts',
  '*.text',
  '*.texts',
];

export function createLogger(level: Level | 'silent', destination?: DestinationStream): Logger {
  const options = { level, name: 'api', redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
