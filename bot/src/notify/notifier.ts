import {
  NOTIFY_JOB,
  type NotificationEvent,
  ONCE_PER_SUBJECT,
  planStatusEvent,
  type RecordedEvent,
  type Store,
} from "@bridgeport/core";
import type { Logger } from "../log.js";

/**
 * How the rest of the bot tells people things. Both calls only queue (one small transaction)
 * and never reject: a notification that cannot be queued is logged, and whatever reported it
 * (a deploy, a sync, a lock) goes on as if nothing happened.
 */
export interface Notifier {
  /**
   * Queues `event` for every channel of its environment that subscribes to it.
   *
   * @example
   * await deps.notifier.notify({ kind: "approval_required", environmentId, planId, gate: "batch 2 of 3", reason: null });
   */
  notify(event: NotificationEvent): Promise<RecordedEvent | null>;
  /** The plan event a plan's new status is (`running`, or a final one), if any; dry runs tell nobody. */
  planStatus(planId: string, status: string): Promise<RecordedEvent | null>;
  /**
   * Counts a sync of the registry: the REGISTRY_FAILING_AFTER-th failure in a row is
   * `registry_failing`, and the first success after it `registry_failing` with `recovered`.
   */
  registrySync(registryId: string, outcome: { ok: true } | { ok: false; error: string }): Promise<void>;
}

/** Failed syncs in a row before a registry counts as failing (one sync's retries count each). */
export const REGISTRY_FAILING_AFTER = 3;

export interface NotifierDeps {
  store: Store;
  foldWindowMs: number;
  /** Wakes the queue's runner for the senders' job kind. */
  wake?: (kind: string) => void;
  log: Pick<Logger, "error">;
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const notifier: Notifier = {
    async notify(event) {
      try {
        const recorded = await deps.store.notificationDeliveries.record(event, {
          foldWindowMs: deps.foldWindowMs,
        });
        // A message due at once (no fold window) is sent now rather than at the next poll.
        if (recorded.queued > 0 && (deps.foldWindowMs === 0 || ONCE_PER_SUBJECT.has(event.kind)))
          deps.wake?.(NOTIFY_JOB);
        return recorded;
      } catch (error) {
        deps.log.error({ event: event.kind, err: String(error) }, "queueing a notification failed");
        return null;
      }
    },
    async planStatus(planId, status) {
      const kind = planStatusEvent(status);
      if (kind === null) return null;
      try {
        const plan = await deps.store.plans.get(planId);
        if (!plan || plan.dryRun) return null;
        return await notifier.notify({
          kind,
          environmentId: plan.environmentId,
          planId,
        } as NotificationEvent);
      } catch (error) {
        deps.log.error({ planId, err: String(error) }, "queueing a plan notification failed");
        return null;
      }
    },
    async registrySync(registryId, outcome) {
      try {
        const change = await deps.store.registrySyncHealth.record(
          registryId,
          outcome,
          REGISTRY_FAILING_AFTER,
        );
        if (!change) return;
        const registry = await deps.store.registries.get(registryId);
        if (!registry) return;
        await notifier.notify({
          kind: "registry_failing",
          environmentId: registry.environmentId,
          registryId,
          registry: registry.name,
          failures: change.failures,
          error: change.kind === "failing" ? change.error : null,
          recovered: change.kind === "recovered",
        });
      } catch (error) {
        deps.log.error({ registryId, err: String(error) }, "counting a registry sync failed");
      }
    },
  };
  return notifier;
}
