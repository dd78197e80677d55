import { isPostgresUrl, type SessionLock, trySessionLock } from "@bridgeport/core";

export interface SchedulerLease {
  /**
   * Whether this replica runs the scheduler pass now: it holds the lock, or has just taken it
   * (it was free: its holder stopped or died). Never throws; an unreachable database is false.
   */
  take(): Promise<boolean>;
  /** Whether this replica holds the lock now (without trying to take it). */
  readonly held: boolean;
  release(): Promise<void>;
}

/**
 * Exactly one replica runs each scheduler pass. On PostgreSQL that is the holder of the
 * `scheduler` session advisory lock, taken on a connection of its own: the lock dies with
 * that connection, so when the holder dies (or loses the database) the lock is free at once,
 * and the replica whose timer fires next takes it: failover within one interval. The embedded
 * database has one process: it always runs the pass.
 *
 * @example
 * const lease = schedulerLease(config.databaseUrl, (m) => log.warn(m));
 * setInterval(async () => { if (await lease.take()) await pass(); }, intervalMs);
 */
export function schedulerLease(databaseUrl: string, onLost: (message: string) => void): SchedulerLease {
  if (!isPostgresUrl(databaseUrl))
    return { take: async () => true, held: true, release: async () => undefined };
  let lock: SessionLock | undefined;
  let taking: Promise<boolean> | undefined;
  return {
    take() {
      if (lock) return Promise.resolve(true);
      taking ??= trySessionLock(databaseUrl, "scheduler", {
        mode: "exclusive",
        onLost: (message) => {
          const lost = lock;
          lock = undefined;
          void lost?.release();
          onLost(message);
        },
      })
        .then((taken) => {
          lock = taken;
          return taken !== undefined;
        })
        .catch(() => false)
        .finally(() => {
          taking = undefined;
        });
      return taking;
    },
    get held() {
      return lock !== undefined;
    },
    async release() {
      await taking;
      const held = lock;
      lock = undefined;
      await held?.release();
    },
  };
}
