import type { PlanDetail } from "../deploy/plan-detail.js";
import { formatDuration, shortDigest } from "../deploy/plan-report.js";
import type { ServiceResult } from "../deploy/plan-result.js";
import type { EventOf, NotificationEvent, NotificationEventKind } from "./events.js";
import {
  clockTime,
  MAX_FIELDS,
  type MessageField,
  type MessageLink,
  type MessageTone,
  type NotificationMessage,
} from "./message.js";

/** What a message is written from besides its event: names and links read when it is sent. */
export interface MessageContext {
  environment: string;
  /** BRIDGEPORT_PUBLIC_URL without a trailing slash, or null: then messages carry no links. */
  publicUrl: string | null;
  /** The plan of a plan or approval event as stored now; undefined when it is gone. */
  plan?: PlanDetail | undefined;
  /** Further events folded into this message, and when the first of all arrived. */
  folded?: { count: number; since: Date } | undefined;
  occurredAt: Date;
}

type Parts = Pick<NotificationMessage, "tone" | "title" | "summary" | "fields" | "links">;

/**
 * The message for an event, the same facts for every channel. Pure: the caller reads the plan
 * and the names.
 *
 * @example
 * describeEvent(event, { environment: "staging", publicUrl: null, occurredAt: new Date() }).title
 * // => "Update for api: v2.4.0"
 */
export function describeEvent(event: NotificationEvent, ctx: MessageContext): NotificationMessage {
  const parts = partsOf(event, ctx);
  return {
    event: event.kind,
    ...parts,
    fields: parts.fields.filter((f) => f.value !== "").slice(0, MAX_FIELDS),
    foldedNote: foldedNote(event, ctx.folded),
    occurredAt: ctx.occurredAt,
  };
}

/** The message `POST /api/notification-channels/:id/test` sends. */
export function testMessage(
  channel: { name: string; events: readonly NotificationEventKind[] },
  ctx: Pick<MessageContext, "environment" | "occurredAt">,
): NotificationMessage {
  return {
    event: "test",
    tone: "info",
    title: "Bridgeport test message",
    summary: `The channel ${channel.name} of ${ctx.environment} is set up: this is how its notifications arrive.`,
    fields: [
      { name: "Channel", value: channel.name },
      { name: "Environment", value: ctx.environment },
      { name: "Events", value: channel.events.join(", ") || "none" },
    ],
    links: [],
    foldedNote: null,
    occurredAt: ctx.occurredAt,
  };
}

function partsOf(event: NotificationEvent, ctx: MessageContext): Parts {
  switch (event.kind) {
    case "update_available":
      return updateParts(event, ctx);
    case "plan_started":
    case "plan_succeeded":
    case "plan_failed":
    case "plan_rolled_back":
      return planParts(event.kind, event.planId, ctx);
    case "approval_required":
      return approvalParts(event, ctx);
    case "registry_failing":
      return event.recovered
        ? {
            tone: "good",
            title: `Registry ${event.registry} recovered`,
            summary: `Syncs of ${event.registry} in ${ctx.environment} work again after ${event.failures} failed in a row.`,
            fields: [{ name: "Environment", value: ctx.environment }],
            links: [],
          }
        : {
            tone: "bad",
            title: `Registry ${event.registry} is failing`,
            summary: `${event.failures} syncs of ${event.registry} in ${ctx.environment} failed in a row: no update is seen until it answers again.`,
            fields: [
              { name: "Environment", value: ctx.environment },
              { name: "Last error", value: event.error ?? "" },
            ],
            links: [],
          };
    case "lock_changed":
      return {
        tone: event.locked ? "warning" : "info",
        title: event.locked ? `${ctx.environment} locked by ${event.holder}` : `${ctx.environment} unlocked`,
        summary: event.locked
          ? `Every deploy to ${ctx.environment} is refused until it is unlocked.`
          : `Deploys to ${ctx.environment} run again (it was locked by ${event.holder}).`,
        fields: [
          { name: "Environment", value: ctx.environment },
          { name: "By", value: event.holder },
          { name: "Reason", value: event.reason ?? "" },
        ],
        links: [],
      };
    case "channel_failing":
      return {
        tone: "bad",
        title: `Notification channel ${event.channel} is failing`,
        summary: `Messages to ${event.channel} in ${ctx.environment} have failed since ${clockTime(new Date(event.since))}: check its URL or server.`,
        fields: [
          { name: "Channel", value: event.channel },
          { name: "Last error", value: event.error ?? "" },
        ],
        links: [],
      };
  }
}

function updateParts(event: EventOf<"update_available">, ctx: MessageContext): Parts {
  return {
    tone: "info",
    title: `Update for ${event.name}: ${event.tag}`,
    summary: event.autoDeploy
      ? `${event.image} has a new digest tagged ${event.tag} in ${ctx.environment}. Auto-update deploys it now.`
      : `${event.image} has a new digest tagged ${event.tag} in ${ctx.environment}. Auto-update is off: deploy it when you are ready.`,
    fields: [
      { name: "Image", value: event.image },
      { name: "Tag", value: event.tag },
      { name: "Digest", value: shortDigest(event.digest) },
      { name: "Environment", value: ctx.environment },
      { name: "Auto-deploy", value: event.autoDeploy ? "yes" : "no" },
    ],
    links: link(ctx, "Open image", `/images/${event.imageId}`),
  };
}

const PLAN_WORDS = {
  plan_started: { tone: "info", verb: "Deploying" },
  plan_succeeded: { tone: "good", verb: "Deployed" },
  plan_failed: { tone: "bad", verb: "Deploy failed:" },
  plan_rolled_back: { tone: "warning", verb: "Rolled back:" },
} as const satisfies Record<string, { tone: MessageTone; verb: string }>;

function planParts(kind: keyof typeof PLAN_WORDS, planId: string, ctx: MessageContext): Parts {
  const detail = ctx.plan;
  const words = PLAN_WORDS[kind];
  if (!detail) {
    return {
      tone: words.tone,
      title: `${words.verb} plan ${planId}`,
      summary: `Plan ${planId} in ${ctx.environment} (no longer stored).`,
      fields: [],
      links: link(ctx, "Open plan", `/plans/${planId}`),
    };
  }
  const { plan, result } = detail;
  const what = `${imageLabel(result.image)}:${result.tag ?? shortDigest(result.digest)}`;
  const links = [
    ...link(ctx, "Open plan", `/plans/${plan.id}`),
    ...link(ctx, "Open image", `/images/${plan.containerImageId}`),
  ];
  const head: MessageField[] = [
    { name: "Image", value: result.image },
    { name: "Digest", value: shortDigest(result.digest) },
    { name: "Environment", value: ctx.environment },
  ];
  if (kind === "plan_started") {
    return {
      tone: words.tone,
      title: `${words.verb} ${what} to ${ctx.environment}`,
      summary: `Plan ${plan.id} deploys ${shortDigest(result.digest)} to ${count(result.services.length, "service")}, started by ${plan.triggeredBy} (${plan.trigger}).`,
      fields: [...head, ...serviceFields(result.services, () => "pending")],
      links,
    };
  }
  const failing = result.services.filter((s) => s.error !== null);
  const reason = failing.map((s) => `${s.service} on ${s.server}: ${s.error}`).join("; ");
  const summary =
    kind === "plan_succeeded"
      ? `${count(result.services.length, "service")} in ${ctx.environment} run ${shortDigest(result.digest)} now.`
      : kind === "plan_rolled_back"
        ? `The deploy failed and the changed services are back on their previous digest. ${reason || (result.error ?? "")}`.trim()
        : `${result.error ?? "The deploy failed"}${result.rollbackOutcome ? ` (rollback: ${result.rollbackOutcome})` : ""}. ${reason}`.trim();
  // A plan that deployed without a trusted signature (policy `warn`) says so in its message.
  const warned = result.warnings.length > 0;
  return {
    tone: warned && words.tone === "good" ? "warning" : words.tone,
    title: `${words.verb} ${what} ${kind === "plan_succeeded" ? "to" : "in"} ${ctx.environment}`,
    summary: warned ? `${summary} ${result.warnings.join(" ")}` : summary,
    fields: [...head, ...serviceFields(result.services, serviceOutcome)],
    links,
  };
}

function approvalParts(event: EventOf<"approval_required">, ctx: MessageContext): Parts {
  const result = ctx.plan?.result;
  const what = result ? `${imageLabel(result.image)}:${result.tag ?? shortDigest(result.digest)}` : "a plan";
  return {
    tone: "warning",
    title: `Approval needed: ${what} to ${ctx.environment}`,
    summary: `Plan ${event.planId} waits for approval${event.gate ? ` before ${event.gate}` : ""}.${event.reason ? ` ${event.reason}` : ""}`,
    fields: [
      { name: "Environment", value: ctx.environment },
      { name: "Image", value: result?.image ?? "" },
      { name: "Digest", value: result ? shortDigest(result.digest) : "" },
      { name: "Gate", value: event.gate ?? "" },
    ],
    links: link(ctx, "Open plan", `/plans/${event.planId}`),
  };
}

/** One field per service ("api on server-1": its outcome), the last one counting those left over. */
function serviceFields(services: readonly ServiceResult[], outcome: (s: ServiceResult) => string) {
  const room = MAX_FIELDS - 3;
  const shown = services.length > room ? services.slice(0, room - 1) : services;
  const fields = shown.map((s) => ({ name: `${s.service} on ${s.server}`, value: outcome(s) }));
  if (shown.length < services.length)
    fields.push({ name: "More", value: `${services.length - shown.length} more services` });
  return fields;
}

function serviceOutcome(service: ServiceResult): string {
  const status = service.status.replace("_", " ");
  const health = service.health ? `, ${service.health}` : "";
  const took = service.durationMs === null ? "" : `, ${formatDuration(service.durationMs)}`;
  return `${status}${health}${took}${service.error ? `: ${service.error}` : ""}`;
}

function foldedNote(event: NotificationEvent, folded: MessageContext["folded"]): string | null {
  if (!folded || folded.count <= 0) return null;
  const since = clockTime(folded.since);
  if (event.kind === "update_available")
    return `${folded.count} more ${folded.count === 1 ? "update" : "updates"} of ${event.name} since ${since}`;
  return `${folded.count} more like this since ${since}`;
}

function link(ctx: MessageContext, label: string, path: string): MessageLink[] {
  return ctx.publicUrl === null ? [] : [{ label, url: `${ctx.publicUrl}${path}` }];
}

/** The image's last path segment: `registry.example.com/shop/api` reads as `api` on a phone. */
function imageLabel(image: string): string {
  return image.split("/").pop() ?? image;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
