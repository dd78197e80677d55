import type { PlanEvent, Store, StoreSignals } from "@bridgeport/core";

/** A plan event with its number in the plan's events (SSE `id`, to resume after). */
export type PlanEventListener = (event: PlanEvent, seq: number) => void;

export interface PlanEventSubscribeOptions {
  /** Deliver the events numbered after this one first (a client resuming). Default: only new ones. */
  afterSeq?: number;
}

export interface PlanEventFeed {
  /** Appends a plan's event for every subscriber on every replica; in order per plan; never throws. */
  publish(event: PlanEvent): void;
  /**
   * Hears one plan's events in order, whichever replica runs the plan, until the returned
   * function is called. Resolves once the subscription is in place: an event published after
   * that is delivered.
   */
  subscribe(
    planId: string,
    listener: PlanEventListener,
    options?: PlanEventSubscribeOptions,
  ): Promise<() => void>;
  /** Resolves once every event published so far is written (shutdown, tests). */
  flushed(): Promise<void>;
}

export interface PlanEventFeedOptions {
  store: Pick<Store, "planEvents">;
  signals: Pick<StoreSignals, "on" | "onResumed">;
  /** How often subscribed plans are read when no signal comes (the fallback). Default 2 s. */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

interface Subscription {
  planId: string;
  last: number;
  listener: PlanEventListener;
  reading: Promise<void> | undefined;
  again: boolean;
}

/**
 * Plan events through the database: `publish` appends a row (store.planEvents) and the store
 * signals it (NOTIFY on PostgreSQL, in-process on libsql); a subscriber keeps the number of the
 * last event it saw and reads the rows after it when signalled, and every `pollMs` in case a
 * signal was lost. The code above it cannot tell which engine carries the signal.
 */
export function createPlanEventFeed(options: PlanEventFeedOptions): PlanEventFeed {
  const { store } = options;
  const onError = options.onError ?? (() => undefined);
  const subscriptions = new Set<Subscription>();
  const writing = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;

  const readNew = (sub: Subscription): Promise<void> => {
    if (sub.reading) {
      sub.again = true;
      return sub.reading;
    }
    sub.reading = (async () => {
      do {
        sub.again = false;
        try {
          for (;;) {
            const rows = await store.planEvents.listAfter(sub.planId, sub.last);
            for (const row of rows) {
              if (!subscriptions.has(sub)) return;
              sub.last = row.seq;
              sub.listener(row.event as PlanEvent, row.seq);
            }
            if (rows.length < 500) break;
          }
        } catch (error) {
          onError(error);
        }
      } while (sub.again && subscriptions.has(sub));
    })().finally(() => {
      sub.reading = undefined;
    });
    return sub.reading;
  };
  const readPlan = (planId: string) => {
    for (const sub of subscriptions) if (sub.planId === planId) void readNew(sub);
  };
  const readAll = () => {
    for (const sub of subscriptions) void readNew(sub);
  };

  let unlisten: (() => void) | undefined;
  const startListening = () => {
    if (unlisten) return;
    const offSignal = options.signals.on("plan-events", readPlan);
    const offResumed = options.signals.onResumed(readAll);
    timer = setInterval(readAll, options.pollMs ?? 2_000);
    timer.unref();
    unlisten = () => {
      offSignal();
      offResumed();
      clearInterval(timer);
      unlisten = undefined;
    };
  };

  return {
    publish(event) {
      const { planId } = event;
      const previous = writing.get(planId) ?? Promise.resolve();
      const next = previous
        .then(() => store.planEvents.append(planId, { ...event }))
        .then(
          () => undefined,
          (error: unknown) => onError(error),
        );
      writing.set(planId, next);
      void next.finally(() => {
        if (writing.get(planId) === next) writing.delete(planId);
      });
    },
    async subscribe(planId, listener, subscribeOptions = {}) {
      const last = subscribeOptions.afterSeq ?? (await store.planEvents.lastSeq(planId));
      const sub: Subscription = { planId, last, listener, reading: undefined, again: false };
      subscriptions.add(sub);
      startListening();
      if (subscribeOptions.afterSeq !== undefined) void readNew(sub);
      return () => {
        subscriptions.delete(sub);
        if (subscriptions.size === 0) unlisten?.();
      };
    },
    async flushed() {
      while (writing.size > 0) await Promise.allSettled([...writing.values()]);
    },
  };
}
