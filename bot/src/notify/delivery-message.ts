import {
  describeEvent,
  loadPlanDetail,
  type NotificationDelivery,
  type NotificationMessage,
  notificationEventSchema,
  type Store,
  type WebhookEnvelope,
} from "@bridgeport/core";

/**
 * The message a queued delivery says, written when it is sent: a plan event reads its plan as
 * stored then (per-service outcome and reason), every message the environment's name.
 * Undefined when the stored event cannot be read.
 */
export async function deliveryMessage(
  store: Store,
  delivery: NotificationDelivery,
  environment: { id: string; name: string },
  publicUrl: string | null,
): Promise<{ message: NotificationMessage; envelope: WebhookEnvelope } | undefined> {
  const parsed = notificationEventSchema.safeParse(delivery.payload);
  if (!parsed.success) return undefined;
  const event = parsed.data;
  const plan = "planId" in event ? await loadPlanDetail(store, event.planId) : undefined;
  const folded = delivery.folded > 0 ? { count: delivery.folded, since: delivery.createdAt } : null;
  const message = describeEvent(event, {
    environment: environment.name,
    publicUrl,
    plan,
    folded: folded ?? undefined,
    occurredAt: delivery.createdAt,
  });
  const data = { ...event, ...(plan ? { plan: plan.result } : {}) };
  return { message, envelope: { deliveryId: delivery.id, environment, data, folded } };
}
