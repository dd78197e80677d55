import { type HttpReceiver, startHttpReceiver } from "./http-receiver.js";
import type { LoopbackCert } from "./tls-cert.js";

// Slack's incoming webhooks and Block Kit, as docs.slack.dev gives them: the top-level fields
// an incoming webhook takes, the block types a message may hold (at most 50), and each one's
// limits. A body outside them is answered as Slack answers it: 400 invalid_blocks / no_text.
const TOP_LEVEL = new Set([
  "text",
  "blocks",
  "attachments",
  "thread_ts",
  "mrkdwn",
  "unfurl_links",
  "unfurl_media",
  "username",
  "icon_emoji",
  "icon_url",
  "channel",
]);
const MAX_BLOCKS = 50;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const length = (text: string) => Array.from(text).length;
// mrkdwn's control characters: < and > must arrive escaped, except in <url|label> links and <!here>-style commands.
const LINK_OR_COMMAND = /<(?:https?:\/\/[^|>\s]+(?:\|[^>]*)?|[!#@][^>]*)>/g;
const rawControl = (text: string) => /[<>]/.test(text.replace(LINK_OR_COMMAND, ""));

function textObject(value: unknown, where: string, max: number, types: readonly string[]): string[] {
  if (!isObject(value)) return [`${where}: a text object`];
  const problems: string[] = [];
  if (!types.includes(String(value.type))) problems.push(`${where}.type: one of ${types.join(", ")}`);
  if (typeof value.text !== "string" || length(value.text) < 1 || length(value.text) > max)
    problems.push(`${where}.text: 1 to ${max} characters`);
  else if (value.type === "mrkdwn" && rawControl(value.text))
    problems.push(`${where}.text: unescaped < or >`);
  const extra = Object.keys(value).filter((k) => !["type", "text", "emoji", "verbatim"].includes(k));
  if (extra.length > 0) problems.push(`${where}: unknown ${extra.join(", ")}`);
  return problems;
}

function checkBlock(block: unknown, i: number, actionIds: Set<string>): string[] {
  const at = `blocks[${i}]`;
  if (!isObject(block)) return [`${at}: an object`];
  if (block.block_id !== undefined && (typeof block.block_id !== "string" || block.block_id.length > 255))
    return [`${at}.block_id: at most 255 characters`];
  switch (block.type) {
    case "header":
      return textObject(block.text, `${at}.text`, 150, ["plain_text"]);
    case "section": {
      if (block.text === undefined && block.fields === undefined) return [`${at}: text or fields`];
      const problems =
        block.text === undefined ? [] : textObject(block.text, `${at}.text`, 3000, ["mrkdwn", "plain_text"]);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length < 1 || block.fields.length > 10)
          problems.push(`${at}.fields: 1 to 10 items`);
        else
          for (const [j, f] of block.fields.entries())
            problems.push(...textObject(f, `${at}.fields[${j}]`, 2000, ["mrkdwn", "plain_text"]));
      }
      return problems;
    }
    case "context": {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length < 1 || elements.length > 10)
        return [`${at}.elements: 1 to 10 items`];
      return elements.flatMap((e, j) =>
        textObject(e, `${at}.elements[${j}]`, 3000, ["mrkdwn", "plain_text"]),
      );
    }
    case "actions": {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length < 1 || elements.length > 25)
        return [`${at}.elements: 1 to 25 items`];
      return elements.flatMap((e, j) => {
        const where = `${at}.elements[${j}]`;
        if (!isObject(e) || e.type !== "button") return [`${where}: a button`];
        const problems = textObject(e.text, `${where}.text`, 75, ["plain_text"]);
        if (typeof e.url !== "string" || e.url.length > 3000 || !URL.canParse(e.url))
          problems.push(`${where}.url: a URL of at most 3000 characters`);
        if (typeof e.action_id !== "string" || e.action_id.length > 255 || actionIds.has(e.action_id))
          problems.push(`${where}.action_id: unique, at most 255 characters`);
        else actionIds.add(e.action_id);
        return problems;
      });
    }
    case "divider":
      return [];
    default:
      return [
        `${at}.type: a block type (header, section, context, actions, divider), not ${String(block.type)}`,
      ];
  }
}

/** The problems with an incoming-webhook body, field by field; none for a body Slack posts. */
export function checkSlackBody(body: unknown): string[] {
  if (!isObject(body)) return ["the body: a JSON object"];
  const problems = Object.keys(body)
    .filter((k) => !TOP_LEVEL.has(k))
    .map((k) => `${k}: not an incoming-webhook field`);
  // With blocks, `text` is the notification's fallback: Slack asks for it always.
  if (typeof body.text !== "string" || body.text.trim() === "")
    problems.push("text: the fallback text is missing");
  if (body.blocks !== undefined) {
    if (!Array.isArray(body.blocks) || body.blocks.length > MAX_BLOCKS)
      problems.push(`blocks: at most ${MAX_BLOCKS}`);
    else {
      const actionIds = new Set<string>();
      for (const [i, b] of body.blocks.entries()) problems.push(...checkBlock(b, i, actionIds));
    }
  }
  return problems;
}

/** Slack's incoming webhook on loopback (HTTPS): 200 "ok", or 400 naming what is wrong. */
export function startSlackReceiver(tls: LoopbackCert): Promise<HttpReceiver> {
  return startHttpReceiver({
    tls,
    check: checkSlackBody,
    accept: () => ({ status: 200, headers: { "content-type": "text/plain" }, body: "ok" }),
    reject: (problems) => ({
      status: 400,
      headers: { "content-type": "text/plain" },
      body: `invalid_blocks: ${problems[0]}`,
    }),
  });
}
