/**
 * The request conflicts with what is stored: a duplicate name, a deletion that would orphan
 * rows. The message is the user-facing text (the seeds' wording where they have one) and
 * never contains a secret. The API answers 409 with it.
 */
export class ConflictError extends Error {
  override readonly name = "ConflictError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No row with that id (or key). The API answers 404. */
export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  readonly entity: string;
  readonly id: string;

  constructor(entity: string, id: string, options?: { cause?: unknown }) {
    super(`${entity} not found: ${id}`, options);
    this.entity = entity;
    this.id = id;
  }
}

/** The driver codes of a UNIQUE or PRIMARY KEY violation: SQLite's, and PostgreSQL's SQLSTATE. */
const UNIQUE_VIOLATIONS = new Set(["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY", "23505"]);

/**
 * The UNIQUE / PRIMARY KEY violation inside `error` (either engine), wherever the driver nests
 * it, or undefined. Returning the driver's own error (not drizzle's wrapper, whose message
 * lists the query's parameters) keeps a ConflictError's cause short and free of row data.
 */
export function uniqueViolation(error: unknown): Error | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code =
      (e as { code?: unknown; extendedCode?: unknown }).extendedCode ?? (e as { code?: unknown }).code;
    if (typeof code === "string" && UNIQUE_VIOLATIONS.has(code)) return e;
  }
  return undefined;
}

/**
 * Node's socket codes and PostgreSQL's SQLSTATE classes that mean "the database cannot be
 * reached now": connection refused or cut, the server shutting down or starting (57P01-57P03),
 * class 08 (connection exception).
 */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);
const UNREACHABLE_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error",
];

/**
 * Whether `error` (or one in its cause chain) says the database is unreachable right now, not
 * that the request was wrong: the API answers such a failure with 503, and the caller tries again.
 */
export function databaseUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (UNREACHABLE_CODES.has(code) || /^(08|57P0[123])/.test(code)))
      return true;
    if (UNREACHABLE_MESSAGES.some((text) => e instanceof Error && e.message.includes(text))) return true;
  }
  return false;
}
