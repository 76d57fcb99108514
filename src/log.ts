import pino from 'pino';

/**
 * One logger for the process. Personal data never reaches the logs: the fields that may hold it
 * are redacted wherever they appear, and callers log ids rather than message texts.
 */
export function createLogger(level: string = 'warn', destination: pino.DestinationStream = pino.destination(2)) {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['phone', 'name', 'text', 'question', '*.phone', '*.name', '*.text', '*.question'],
        censor: '[已隐藏]',
      },
    },
    destination,
  );
}

export type Logger = ReturnType<typeof createLogger>;
