import type pg from "pg";

/**
 * Runs `task` on one pooled connection inside BEGIN ... COMMIT (READ COMMITTED), rolling back
 * on a throw: for the hot paths written as plain SQL. A connection whose ROLLBACK failed is
 * broken and is dropped from the pool instead of being reused.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  task: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await task(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

const DEADLOCK = "40P01";

/**
 * Runs a transaction again (at most `attempts` times in all) when PostgreSQL broke a deadlock
 * by aborting it: its work was rolled back whole, so trying again is safe. Statements order
 * their rows to avoid deadlocks; this is the backstop.
 */
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !hasCode(error, DEADLOCK)) throw error;
    }
  }
}

/** Whether `error` or an error in its cause chain carries this SQLSTATE. */
export function hasCode(error: unknown, code: string): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as { code?: unknown }).code === code) return true;
  }
  return false;
}
