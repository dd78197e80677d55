import { EventEmitter } from "node:events";

/**
 * What the store tells the processes that share its database, as it commits: `jobs` (payload:
 * the job's kind) when a job is queued, `plan-events` (payload: the plan's id) when a plan
 * event is appended. Wake-ups only: a listener re-reads the rows, and polling stays the
 * fallback for a signal that never comes.
 */
export const SIGNAL_CHANNELS = ["jobs", "plan-events"] as const;
export type SignalChannel = (typeof SIGNAL_CHANNELS)[number];

export interface StoreSignals {
  /**
   * Hears every signal on `channel`: on libsql this process's own; on PostgreSQL every
   * replica's (LISTEN on a connection of its own, opened by the first listener).
   */
  on(channel: SignalChannel, listener: (payload: string) => void): () => void;
  /**
   * Hears that signals may have been missed and were not (the LISTEN connection was lost and
   * is back): whoever waits for one should re-read now. Never called on libsql.
   */
  onResumed(listener: () => void): () => void;
  /**
   * A repository's write that signals has committed. libsql tells this process's listeners;
   * on PostgreSQL a trigger already sent the NOTIFY inside the write's transaction, so this
   * does nothing.
   */
  committed(channel: SignalChannel, payload: string): void;
  /** Whether signals from other processes arrive now (libsql: always; PostgreSQL: LISTEN is up). */
  readonly listening: boolean;
  close(): Promise<void>;
}

/**
 * The embedded database's signals: one process, so an in-process emitter is the whole story.
 *
 * @example
 * const signals = localSignals();
 * signals.on("plan-events", (planId) => console.log(planId));
 * signals.committed("plan-events", "plan-1");
 */
export function localSignals(): StoreSignals {
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  return {
    on(channel, listener) {
      bus.on(channel, listener);
      return () => bus.off(channel, listener);
    },
    onResumed: () => () => undefined,
    committed: (channel, payload) => bus.emit(channel, payload),
    listening: true,
    close: async () => {
      bus.removeAllListeners();
    },
  };
}
