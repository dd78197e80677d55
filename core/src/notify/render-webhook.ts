import type { NotificationMessage } from "./message.js";

export interface WebhookEnvelope {
  /** The delivery's id, the same on every retry: a receiver dedupes on it. */
  deliveryId: string;
  environment: { id: string; name: string };
  /** The event's facts as queued (and, for a plan event, the plan's result as sent). */
  data: Record<string, unknown>;
  folded: { count: number; since: Date } | null;
}

/**
 * The generic webhook's JSON body: the message as every channel gets it, plus the event's
 * facts under `data` for programs. README.md ("Notifications") documents every field.
 *
 * @example
 * renderWebhook(message, envelope).event // => "plan_succeeded"
 */
export function renderWebhook(message: NotificationMessage, envelope: WebhookEnvelope) {
  return {
    id: envelope.deliveryId,
    event: message.event,
    occurredAt: message.occurredAt.toISOString(),
    environment: envelope.environment,
    title: message.title,
    summary: message.summary,
    tone: message.tone,
    fields: message.fields,
    links: message.links,
    folded: envelope.folded
      ? { count: envelope.folded.count, since: envelope.folded.since.toISOString(), note: message.foldedNote }
      : null,
    data: envelope.data,
  };
}
