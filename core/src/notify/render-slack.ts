import { clip, type NotificationMessage } from "./message.js";

// Slack's Block Kit limits (docs.slack.dev, block-kit reference): a header's plain_text 150
// characters, a section's text 3000, up to 10 section fields of 2000 each, a button's text 75
// and its url 3000, up to 10 context elements.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const BUTTON_TEXT_MAX = 75;
const URL_MAX = 3000;
/** The top-level `text`: the fallback for notifications and clients that show no blocks. */
const FALLBACK_MAX = 3000;

/**
 * Slack's three control characters in mrkdwn text; everything else is shown as written.
 *
 * @example
 * slackEscape("a <b> & c") // => "a &lt;b&gt; &amp; c"
 */
export function slackEscape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * An incoming-webhook body: `text` as the notification fallback, then blocks: a header (the
 * title), a section with the summary and the facts as two-column fields, the folded note as
 * context, and one button per link. Short on purpose: it has to read on a phone.
 *
 * @example
 * renderSlack(message).blocks[0] // => { type: "header", text: { type: "plain_text", text: "Deployed api:v2 to staging" } }
 */
export function renderSlack(message: NotificationMessage) {
  const blocks: Record<string, unknown>[] = [
    { type: "header", text: { type: "plain_text", text: clip(message.title, HEADER_MAX), emoji: true } },
    {
      type: "section",
      text: { type: "mrkdwn", text: clip(slackEscape(message.summary), SECTION_MAX) },
      ...(message.fields.length > 0
        ? {
            fields: message.fields.map((f) => ({
              type: "mrkdwn",
              text: clip(`*${slackEscape(f.name)}*\n${slackEscape(f.value)}`, FIELD_MAX),
            })),
          }
        : {}),
    },
  ];
  if (message.foldedNote) {
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: slackEscape(message.foldedNote) }] });
  }
  const links = message.links.filter((l) => l.url.length <= URL_MAX);
  if (links.length > 0) {
    blocks.push({
      type: "actions",
      elements: links.map((l, i) => ({
        type: "button",
        text: { type: "plain_text", text: clip(l.label, BUTTON_TEXT_MAX) },
        url: l.url,
        action_id: `bridgeport-link-${i}`,
      })),
    });
  }
  return { text: clip(`${message.title}: ${message.summary}`, FALLBACK_MAX), blocks };
}
