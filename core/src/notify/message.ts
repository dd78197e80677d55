import type { DeliveryEvent } from "./events.js";

export const MESSAGE_TONES = ["good", "bad", "warning", "info"] as const;
export type MessageTone = (typeof MESSAGE_TONES)[number];

export interface MessageField {
  name: string;
  value: string;
}

export interface MessageLink {
  label: string;
  url: string;
}

/**
 * One notification, said once for every channel: each renderer (Slack blocks, a Discord
 * embed, an e-mail, the signed webhook's JSON) lays out the same facts in its own format.
 */
export interface NotificationMessage {
  event: DeliveryEvent;
  tone: MessageTone;
  /** One short line: Slack's header, the embed's title, the e-mail's subject. */
  title: string;
  /** A sentence or two. */
  summary: string;
  /** The key facts, short name and value each (at most 10: Slack's limit for section fields). */
  fields: MessageField[];
  /** The plan and the image in the dashboard, when BRIDGEPORT_PUBLIC_URL is set. */
  links: MessageLink[];
  /** "3 more updates of api since 10:02 UTC": repeats folded into this message; null if none. */
  foldedNote: string | null;
  occurredAt: Date;
}

/** At most this many fields per message: Slack allows 10 in a section. */
export const MAX_FIELDS = 10;

/**
 * `text` cut to `max` characters, the cut marked with an ellipsis, so that a long error
 * never makes a receiver refuse the whole message.
 *
 * @example
 * clip("abcdef", 4) // => "abc…"
 */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/**
 * A time as people read it in a chat, in UTC.
 *
 * @example
 * clockTime(new Date("2026-02-25T10:02:31Z")) // => "2026-02-25 10:02 UTC"
 */
export function clockTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
