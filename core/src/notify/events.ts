import { z } from "zod";

/** What a channel can be told about; each channel subscribes to some of these. */
export const NOTIFICATION_EVENTS = [
  "update_available",
  "plan_started",
  "plan_succeeded",
  "plan_failed",
  "plan_rolled_back",
  "approval_required",
  "registry_failing",
  "lock_changed",
  "channel_failing",
] as const;
export type NotificationEventKind = (typeof NOTIFICATION_EVENTS)[number];

/** A delivery's event: a real event, or the message `POST .../test` sends. */
export type DeliveryEvent = NotificationEventKind | "test";

const planEvent = <K extends string>(kind: K) =>
  z.object({ kind: z.literal(kind), environmentId: z.string(), planId: z.string() });

/**
 * The facts an event carries from where it happened, as queued. Plan events carry only the
 * plan: its result is read when the message is sent, so a plan's message always shows the
 * plan as stored.
 */
export const notificationEventSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("update_available"),
    environmentId: z.string(),
    imageId: z.string(),
    /** The image's display name and its full path. */
    name: z.string(),
    image: z.string(),
    /** The display tag of the new digest. */
    tag: z.string(),
    digest: z.string(),
    /** Whether auto-update deploys it. */
    autoDeploy: z.boolean(),
  }),
  planEvent("plan_started"),
  planEvent("plan_succeeded"),
  planEvent("plan_failed"),
  planEvent("plan_rolled_back"),
  z.object({
    kind: z.literal("approval_required"),
    environmentId: z.string(),
    planId: z.string(),
    /** Which gate of the rollout waits ("batch 2 of 3"); null for the plan as a whole. */
    gate: z.string().nullable(),
    reason: z.string().nullable(),
  }),
  z.object({
    kind: z.literal("registry_failing"),
    environmentId: z.string(),
    registryId: z.string(),
    registry: z.string(),
    /** Syncs that failed in a row (the count that tripped it, or the streak that ended). */
    failures: z.number().int(),
    error: z.string().nullable(),
    /** The registry syncs again: the streak is over. */
    recovered: z.boolean(),
  }),
  z.object({
    kind: z.literal("lock_changed"),
    environmentId: z.string(),
    locked: z.boolean(),
    holder: z.string(),
    reason: z.string().nullable(),
  }),
  z.object({
    kind: z.literal("channel_failing"),
    environmentId: z.string(),
    channelId: z.string(),
    channel: z.string(),
    since: z.string(),
    error: z.string().nullable(),
  }),
]);
export type NotificationEvent = z.infer<typeof notificationEventSchema>;
export type EventOf<K extends NotificationEventKind> = Extract<NotificationEvent, { kind: K }>;

/** The plan events, by the plan's final status (a rollback that failed is a failure). */
export const PLAN_FINISH_EVENTS = {
  success: "plan_succeeded",
  failed: "plan_failed",
  rollback_failed: "plan_failed",
  rolled_back: "plan_rolled_back",
} as const satisfies Record<string, NotificationEventKind>;

/**
 * The plan event a status change is, if any: `running` starts a plan, final statuses end
 * it; pending and cancelled (refused before it ran) tell nobody.
 *
 * @example
 * planStatusEvent("rolled_back") // => "plan_rolled_back"
 * planStatusEvent("cancelled") // => null
 */
export function planStatusEvent(status: string): NotificationEventKind | null {
  if (status === "running") return "plan_started";
  return (PLAN_FINISH_EVENTS as Record<string, NotificationEventKind>)[status] ?? null;
}

/**
 * What repeats of an event are about: repeats with the same subject inside the fold window
 * become one message. An event that can happen only once per subject (a plan starts once) is
 * recorded once, however often it is reported.
 *
 * @example
 * eventSubject({ kind: "update_available", imageId: "img1", ... }) // => "img1"
 */
export function eventSubject(event: NotificationEvent): string {
  switch (event.kind) {
    case "update_available":
      return event.imageId;
    case "plan_started":
    case "plan_succeeded":
    case "plan_failed":
    case "plan_rolled_back":
      return event.planId;
    case "approval_required":
      return `${event.planId}:${event.gate ?? ""}`;
    case "registry_failing":
      return `${event.registryId}:${event.recovered ? "up" : "down"}`;
    case "lock_changed":
      return `${event.environmentId}:${event.locked ? "locked" : "unlocked"}`;
    case "channel_failing":
      return event.channelId;
  }
}

/** Events that happen once per subject: a second report of one is the same event, not a repeat. */
export const ONCE_PER_SUBJECT: ReadonlySet<NotificationEventKind> = new Set([
  "plan_started",
  "plan_succeeded",
  "plan_failed",
  "plan_rolled_back",
  "approval_required",
]);
