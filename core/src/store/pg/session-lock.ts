import pg from "pg";
import { type AdvisoryLock, advisoryLockArgs } from "./advisory-locks.js";

/** A session advisory lock held on a connection of its own. */
export interface SessionLock {
  /** Ends the session, which frees the lock. */
  release(): Promise<void>;
}

export interface SessionLockOptions {
  /** `shared` locks coexist; `exclusive` excludes every other holder, shared or not. */
  mode: "shared" | "exclusive";
  /**
   * Hears that the session ended under the holder (the server restarted or ended it): the
   * lock is gone with it.
   */
  onLost?: (message: string) => void;
}

/**
 * Tries to take `lock` on a new connection (not one of the pool's, which other work would
 * reuse) and keeps it until `release` or until the session ends; a process that dies loses
 * it with its connection. Undefined, at once, when another session holds it in a conflicting
 * mode.
 *
 * @example
 * const held = await trySessionLock(url, "bots", { mode: "exclusive" });
 * if (!held) throw new Error("a bot is running");
 * try { ... } finally { await held.release(); }
 */
export async function trySessionLock(
  url: string,
  lock: AdvisoryLock,
  options: SessionLockOptions,
): Promise<SessionLock | undefined> {
  const client = new pg.Client({
    connectionString: url,
    application_name: "bridgeport",
    connectionTimeoutMillis: 10_000,
  });
  let released = false;
  client.on("error", (error) => {
    if (!released) options.onLost?.(error.message);
  });
  await client.connect();
  try {
    const take = options.mode === "shared" ? "pg_try_advisory_lock_shared" : "pg_try_advisory_lock";
    const { rows } = await client.query<{ taken: boolean }>(
      `SELECT ${take}($1, $2) AS taken`,
      advisoryLockArgs(lock),
    );
    if (rows[0]?.taken === true) {
      return {
        async release() {
          released = true;
          await client.end().catch(() => undefined);
        },
      };
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  released = true;
  await client.end().catch(() => undefined);
  return undefined;
}

/**
 * Whether the PostgreSQL database already holds a Bridgeport store (its migrations have run):
 * what a tool that must not create one by accident (the key rotation) checks first.
 */
export async function postgresStoreExists(url: string): Promise<boolean> {
  const client = new pg.Client({
    connectionString: url,
    application_name: "bridgeport",
    connectionTimeoutMillis: 10_000,
  });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ found: string | null }>(
      "SELECT to_regclass('drizzle.__drizzle_migrations')::text AS found",
    );
    return rows[0]?.found != null;
  } finally {
    await client.end().catch(() => undefined);
  }
}
