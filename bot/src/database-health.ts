import { databaseUnreachable } from "@bridgeport/core";
import type { MiddlewareHandler } from "hono";

export interface DatabaseHealth {
  /** Whether the last look at the database got an answer. */
  readonly up: boolean;
  /** A call failed as if the database were gone: look again now rather than at the next beat. */
  suspect(): void;
  stop(): void;
}

export interface WatchDatabaseOptions {
  /** One cheap round trip (`SELECT 1`). */
  probe: () => Promise<unknown>;
  /** Between looks. Default 1 s. */
  everyMs?: number;
  /** A probe that takes longer counts as no answer. Default 2 s. */
  timeoutMs?: number;
  /** Hears each change, down (with the reason) and up again. */
  onChange?: (up: boolean, reason?: string) => void;
}

/**
 * Looks at the database every `everyMs`, one look at a time: what /readyz reports and what
 * refuses new work while it is gone. It recovers by itself: the pool and the LISTEN connection
 * reconnect on their own, and the first probe that answers marks it up again.
 *
 * @example
 * const health = watchDatabase({ probe: () => database.rows(sql`SELECT 1`) });
 */
export function watchDatabase(options: WatchDatabaseOptions): DatabaseHealth {
  const everyMs = options.everyMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  let up = true;
  let looking = false;
  let stopped = false;
  const set = (next: boolean, reason?: string) => {
    if (next === up) return;
    up = next;
    options.onChange?.(next, reason);
  };
  const look = () => {
    if (looking) return;
    looking = true;
    void (async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          options.probe(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        set(true);
      } catch (error) {
        set(false, error instanceof Error ? error.message : String(error));
      } finally {
        clearTimeout(timer);
        looking = false;
      }
    })();
  };
  const timer = setInterval(() => {
    if (!stopped) look();
  }, everyMs);
  timer.unref();
  return {
    get up() {
      return up;
    },
    suspect: look,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const RETRY_AFTER_S = "5";
const UNAVAILABLE = {
  error: "The database is unreachable; nothing was stored. Try again shortly (Retry-After).",
};

/**
 * While the database is unreachable, new work is refused with 503 and Retry-After before it
 * starts (API writes, registry webhooks, GitHub deliveries: registries and GitHub send it
 * again), and a request that met the outage mid-way gets 503 rather than 500. Reads, /healthz
 * and /readyz go on. A webhook is acknowledged only once its transaction committed, so a 503
 * never hides a stored delivery and a 2xx never a lost one.
 */
export function refuseWhileDatabaseDown(health: Pick<DatabaseHealth, "up" | "suspect">): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path;
    const newWork =
      path.startsWith("/webhooks/") ||
      path.startsWith("/github/") ||
      (path.startsWith("/api/") && WRITES.has(c.req.method));
    if (newWork && !health.up) {
      return c.json(UNAVAILABLE, 503, { "retry-after": RETRY_AFTER_S });
    }
    await next();
    if (c.error && databaseUnreachable(c.error)) {
      health.suspect();
      c.res = c.json(UNAVAILABLE, 503, { "retry-after": RETRY_AFTER_S });
    }
  };
}
