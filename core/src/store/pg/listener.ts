import { EventEmitter } from "node:events";
import pg from "pg";
import type { SignalChannel, StoreSignals } from "../signals.js";

/** The NOTIFY channel of each signal (the triggers of drizzle-pg/0002_notify_triggers.sql send them). */
export const PG_CHANNELS: Record<SignalChannel, string> = {
  jobs: "bridgeport_jobs",
  "plan-events": "bridgeport_plan_events",
};

export interface PgSignalsOptions {
  url: string;
  /** Hears that the LISTEN connection was lost (it is opened again) or could not be opened. */
  onError?: (message: string) => void;
  /** Waits between reconnection attempts, doubling from `minMs` up to `maxMs`. Default 250 ms and 5 s. */
  retry?: { minMs: number; maxMs: number };
}

/**
 * Signals on PostgreSQL: LISTEN on one connection of this process's own (not a pooled one: a
 * pooled connection is handed to other work, and LISTEN belongs to a session). The first
 * listener opens it. A lost connection (the server restarted, the link broke) is opened again
 * with a growing wait, and the `onResumed` listeners are told, since NOTIFYs sent meanwhile
 * are gone. Never throws from the connection's events: a dropped connection is a log line.
 *
 * @example
 * const signals = pgSignals({ url, onError: (m) => log.warn(m) });
 * signals.on("jobs", (kind) => runner.wake(kind));
 */
export function pgSignals(options: PgSignalsOptions): StoreSignals {
  const retry = options.retry ?? { minMs: 250, maxMs: 5_000 };
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const byChannel = new Map(Object.entries(PG_CHANNELS).map(([signal, channel]) => [channel, signal]));
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let listening = false;
  let closed = false;
  let everConnected = false;
  let endWait: (() => void) | undefined;

  const report = (message: string) => options.onError?.(message);

  async function connectOnce(): Promise<void> {
    const next = new pg.Client({
      connectionString: options.url,
      application_name: "bridgeport-listen",
      connectionTimeoutMillis: 5_000,
      // A link that breaks without a reset is noticed in tens of seconds, not hours.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    next.on("error", (error) => lost(next, error.message));
    next.on("end", () => lost(next, "the LISTEN connection ended"));
    next.on("notification", (message) => {
      const signal = byChannel.get(message.channel);
      if (signal) bus.emit(signal, message.payload ?? "");
    });
    try {
      await next.connect();
      for (const channel of Object.values(PG_CHANNELS)) await next.query(`LISTEN ${channel}`);
    } catch (error) {
      next.removeAllListeners("end");
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    listening = true;
    if (everConnected) bus.emit("resumed");
    everConnected = true;
  }

  function lost(which: pg.Client, message: string): void {
    if (which !== client) return;
    client = undefined;
    listening = false;
    which.removeAllListeners("end");
    void which.end().catch(() => undefined);
    if (closed) return;
    report(`${message}; listening again`);
    connect();
  }

  function connect(): void {
    if (connecting || closed) return;
    connecting = (async () => {
      for (let wait = retry.minMs; !closed; wait = Math.min(wait * 2, retry.maxMs)) {
        try {
          await connectOnce();
          return;
        } catch (error) {
          report(`cannot LISTEN: ${error instanceof Error ? error.message : String(error)}`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          endWait = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })().finally(() => {
      connecting = undefined;
    });
  }

  return {
    on(channel, listener) {
      bus.on(channel, listener);
      if (!client) connect();
      return () => bus.off(channel, listener);
    },
    onResumed(listener) {
      bus.on("resumed", listener);
      return () => bus.off("resumed", listener);
    },
    committed: () => undefined,
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      endWait?.();
      const open = client;
      client = undefined;
      listening = false;
      await connecting;
      if (open) {
        open.removeAllListeners("end");
        await open.end().catch(() => undefined);
      }
      bus.removeAllListeners();
    },
  };
}
