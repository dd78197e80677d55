import { type DeliveryOutcome, type Job, NOTIFY_JOB, type Store } from "@bridgeport/core";
import { z } from "zod";
import { retryDelayMs } from "../jobs/backoff.js";
import { PermanentJobError } from "../jobs/job-errors.js";
import type { JobHandler } from "../jobs/job-runner.js";
import type { Logger } from "../log.js";
import { deliveryMessage } from "./delivery-message.js";
import type { NotifyPolicy } from "./notify-policy.js";
import type { ChannelSender } from "./send-to-channel.js";
import type { SendVerdict } from "./send-verdict.js";

export { NOTIFY_JOB };

const payloadSchema = z.object({ channelId: z.string().min(1) });

/** Messages one run sends before it makes way for other channels' senders. */
const MAX_PER_RUN = 200;

export interface NotifyJobDeps {
  store: Store;
  send: ChannelSender;
  policy: NotifyPolicy;
  publicUrl: string | null;
  log: Pick<Logger, "warn">;
  now?: () => Date;
}

/**
 * A channel's sender: sends the channel's due messages one at a time, oldest first, and
 * records each attempt in the delivery log. A failed attempt is retried after a backoff, or at
 * the receiver's `Retry-After`, holding back the messages behind it so their order stays; a
 * 4xx fails the message at once. The run ends when nothing is due, queueing itself again for
 * the next due message. Nothing a receiver does makes the job itself fail.
 */
export function notifyHandler(deps: NotifyJobDeps): JobHandler {
  const now = deps.now ?? (() => new Date());
  const { store, policy } = deps;
  const failing = { failingAfterMs: policy.failingAfterMs, foldWindowMs: policy.foldWindowMs };
  return async (job: Job) => {
    const parsed = payloadSchema.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError(`invalid notify payload: ${parsed.error.message}`);
    const { channelId } = parsed.data;
    const channel = await store.notificationChannels.get(channelId);
    if (!channel) return;
    const environment = await store.environments.get(channel.environmentId);
    const env = { id: channel.environmentId, name: environment?.name ?? channel.environmentId };
    const secrets = await store.notificationChannels.getSecrets(channelId);

    for (let sent = 0; sent < MAX_PER_RUN; sent++) {
      const next = await store.notificationDeliveries.takeNext(channelId, job.id);
      if (next.kind === "idle" || next.kind === "busy") return;
      if (next.kind === "later") return store.notificationDeliveries.schedule(channelId, next.at);
      const delivery = next.delivery;
      const written = await deliveryMessage(store, delivery, env, deps.publicUrl);
      const verdict: SendVerdict = !written
        ? { kind: "failed", status: null, error: "the stored event could not be read" }
        : !channel.enabled
          ? { kind: "failed", status: null, error: "the channel is disabled" }
          : await deps.send(channel, secrets, written.message, written.envelope);
      const outcome = outcomeOf(verdict, delivery.attempts, policy, now());
      if (outcome.kind !== "delivered") {
        deps.log.warn(
          {
            channelId,
            channel: channel.name,
            deliveryId: delivery.id,
            event: delivery.event,
            attempts: delivery.attempts,
            error: outcome.error,
          },
          outcome.kind === "retry" ? "notification will be retried" : "notification failed",
        );
      }
      await store.notificationDeliveries.finish(delivery.id, job.id, outcome, failing);
    }
    await store.notificationDeliveries.schedule(channelId, now());
  };
}

/** The delivery log's outcome of a verdict: a retry after its backoff or Retry-After, until attempts run out. */
export function outcomeOf(
  verdict: SendVerdict,
  attempts: number,
  policy: NotifyPolicy,
  at: Date,
): DeliveryOutcome {
  if (verdict.kind === "delivered") return { kind: "delivered", status: verdict.status };
  if (verdict.kind === "failed") return verdict;
  if (attempts >= policy.maxAttempts) {
    return {
      kind: "failed",
      status: verdict.status,
      error: `${verdict.error} (gave up after ${attempts} attempts)`,
    };
  }
  const waitMs =
    verdict.retryAfterMs === null
      ? retryDelayMs(policy.backoff, attempts)
      : Math.min(verdict.retryAfterMs, policy.maxRetryAfterMs);
  return { kind: "retry", status: verdict.status, error: verdict.error, at: new Date(at.getTime() + waitMs) };
}
