import pino from "pino";

/** Structured JSON logs, one object per line. Secrets are never passed in; known keys are redacted anyway. */
export type Logger = pino.Logger;

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "bridgeport" },
      redact: {
        paths: ["*.password", "*.token", "*.secret", "*.authorization", "password", "token", "secret"],
        censor: "[redacted]",
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
