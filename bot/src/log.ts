import pino from "pino";

/** Structured JSON logs, one object per line. Secrets are never passed in; known keys are redacted anyway. */
export type Logger = pino.Logger;

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: "bridgeport" },
      // pino's own `redact` takes fixed paths (no recursion, case-sensitive): a header two
      // levels down or spelt `Authorization` went through. This sees every object logged.
      formatters: { log: redactSecrets },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  // pino writes a child's bindings as given (no formatter sees them), so they are redacted on
  // the way in; every descendant inherits this `child` from the root.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, redactSecrets(bindings), options);
  } as typeof child;
  return logger;
}

const CENSOR = "[redacted]";

/**
 * Keys whose values are secrets wherever they appear, compared in lower case without `-` and `_`:
 * header names are case-insensitive, and credentials come as `secretAccessKey` or `secret_access_key`.
 */
const SECRET_KEYS = new Set([
  "password",
  "passphrase",
  "token",
  "secret",
  "authorization",
  "proxyauthorization",
  "xregistryauth",
  "cookie",
  "setcookie",
  "secretaccesskey",
  "sessiontoken",
  "serviceaccountkey",
  "privatekey",
]);

const isSecretKey = (key: string) => SECRET_KEYS.has(key.toLowerCase().replace(/[-_]/g, ""));

/**
 * The object with every secret-named value at any depth replaced by `[redacted]`. Copies only the
 * objects on the way to a secret and returns the others as they are, so a line without one (the
 * common case, such as the one per webhook delivery) costs a walk and no allocation.
 */
function redactSecrets<T extends object>(object: T): T {
  return redact(object, new Set()) as T;
}

function redact(value: unknown, ancestors: Set<object>): unknown {
  if (value === null || typeof value !== "object" || ancestors.has(value)) return value;
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, index) => {
        const next = redact(item, ancestors);
        if (next === item) return;
        copy ??= [...value];
        copy[index] = next;
      });
      return copy ?? value;
    }
    let copy: Record<string, unknown> | undefined;
    for (const [key, inner] of Object.entries(value)) {
      const next = inner != null && isSecretKey(key) ? CENSOR : redact(inner, ancestors);
      if (next === inner) continue;
      // An error is copied as pino writes one (type, message, stack, its own fields).
      copy ??= value instanceof Error ? { ...pino.stdSerializers.err(value) } : { ...value };
      copy[key] = next;
    }
    return copy ?? value;
  } finally {
    ancestors.delete(value);
  }
}
