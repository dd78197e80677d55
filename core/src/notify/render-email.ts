import type { NotificationMessage } from "./message.js";

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (text: string) =>
  text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");

/**
 * The e-mail for a message: the title as subject, a plain text part and an HTML part with the
 * same facts (a table), so every mail client shows something readable.
 *
 * @example
 * renderEmail(message).subject // => "[Bridgeport] Deployed api:v2 to staging"
 */
export function renderEmail(message: NotificationMessage): RenderedEmail {
  const subject = `[Bridgeport] ${message.title.replace(/[\r\n]+/g, " ")}`;
  const text = [
    message.title,
    "",
    message.summary,
    "",
    ...message.fields.map((f) => `${f.name}: ${f.value}`),
    ...(message.links.length > 0 ? ["", ...message.links.map((l) => `${l.label}: ${l.url}`)] : []),
    ...(message.foldedNote ? ["", message.foldedNote] : []),
    "",
    `Sent by Bridgeport at ${message.occurredAt.toISOString()}`,
  ].join("\n");
  const rows = message.fields
    .map(
      (f) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(f.name)}</th><td>${escapeHtml(f.value)}</td></tr>`,
    )
    .join("");
  const links = message.links
    .map((l) => `<a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a>`)
    .join(" · ");
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2 style="margin:0 0 8px">${escapeHtml(message.title)}</h2>`,
    `<p>${escapeHtml(message.summary)}</p>`,
    rows ? `<table>${rows}</table>` : "",
    links ? `<p>${links}</p>` : "",
    message.foldedNote ? `<p><small>${escapeHtml(message.foldedNote)}</small></p>` : "",
    "</body></html>",
  ].join("");
  return { subject, text, html };
}
