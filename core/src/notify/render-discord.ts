import { clip, type MessageTone, type NotificationMessage } from "./message.js";

// Discord's embed limits (developer docs, "Embed Limits"): title 256, description 4096, up to
// 25 fields with names of 256 and values of 1024, footer 2048, and 6000 characters in all.
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 4096;
const FIELD_NAME_MAX = 256;
const FIELD_VALUE_MAX = 1024;
const FOOTER_MAX = 2048;
const TOTAL_MAX = 6000;

/** Embed side colours: green, red, amber, blurple. */
const COLORS: Record<MessageTone, number> = {
  good: 0x2eb67d,
  bad: 0xe01e5a,
  warning: 0xecb22e,
  info: 0x5865f2,
};

/**
 * An execute-webhook body with one embed: the title (linking to the first link), the summary
 * and links as its description, the facts as inline fields, the folded note as footer.
 * `allowed_mentions` is empty so a lock reason saying `@everyone` pings nobody.
 *
 * @example
 * renderDiscord(message).embeds[0]?.color // => 0x2eb67d for a plan that succeeded
 */
export function renderDiscord(message: NotificationMessage) {
  const links = message.links.map((l) => `[${l.label}](${l.url})`).join(" · ");
  const fields = message.fields.map((f) => ({
    name: clip(f.name, FIELD_NAME_MAX),
    value: clip(f.value, FIELD_VALUE_MAX),
    inline: f.value.length <= 40,
  }));
  const footer = message.foldedNote ? clip(message.foldedNote, FOOTER_MAX) : null;
  const title = clip(message.title, TITLE_MAX);
  const used =
    title.length + (footer?.length ?? 0) + fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const room = Math.min(DESCRIPTION_MAX, TOTAL_MAX - used);
  const description = clip(links ? `${message.summary}\n\n${links}` : message.summary, Math.max(1, room));
  const first = message.links[0];
  return {
    username: "Bridgeport",
    allowed_mentions: { parse: [] as string[] },
    embeds: [
      {
        title,
        description,
        ...(first ? { url: first.url } : {}),
        color: COLORS[message.tone],
        fields,
        ...(footer ? { footer: { text: footer } } : {}),
        timestamp: message.occurredAt.toISOString(),
      },
    ],
  };
}
