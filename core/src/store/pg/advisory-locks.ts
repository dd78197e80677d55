/**
 * Session advisory locks Bridgeport takes on a PostgreSQL database, as (namespace, key) pairs:
 * one namespace ("BPRT") so that nothing else sharing the database collides by accident.
 */
export const ADVISORY_LOCK_NAMESPACE = 0x42505254;

export const ADVISORY_LOCKS = {
  /** Held while migrations run: replicas starting together apply them once, one after another. */
  migrations: 1,
  /**
   * Held SHARED by every running bot, for its whole life; maintenance that needs every bot
   * stopped (the master key rotation, migrate-to-postgres) takes it EXCLUSIVE, which fails
   * while any bot holds it, and keeps bots from starting meanwhile.
   */
  bots: 2,
  /** Reserved for the scheduler: one replica runs each pass. */
  scheduler: 3,
} as const;

export type AdvisoryLock = keyof typeof ADVISORY_LOCKS;

/** The two int4 arguments of pg_advisory_lock and friends. */
export function advisoryLockArgs(lock: AdvisoryLock): [number, number] {
  return [ADVISORY_LOCK_NAMESPACE, ADVISORY_LOCKS[lock]];
}
