import { randomBytes } from "node:crypto";
import { type HttpReceiver, startHttpReceiver } from "./http-receiver.js";
import type { LoopbackCert } from "./tls-cert.js";

// Discord's Execute Webhook, as its developer documentation gives it: the JSON params, at
// least one of content/embeds, at most 10 embeds, and the embed limits (title 256,
// description 4096, 25 fields of name 256 and value 1024, footer 2048, author 256, 6000 in all).
// Webhook embeds may not set type, provider or video. A bad body gets 400 with code 50035.
const PARAMS = new Set([
  "content",
  "username",
  "avatar_url",
  "tts",
  "embeds",
  "allowed_mentions",
  "components",
  "flags",
  "thread_name",
  "applied_tags",
  "attachments",
  "poll",
]);
const EMBED_KEYS = new Set([
  "title",
  "description",
  "url",
  "timestamp",
  "color",
  "footer",
  "image",
  "thumbnail",
  "author",
  "fields",
]);
const MENTION_TYPES = new Set(["roles", "users", "everyone"]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown, min: number, max: number) =>
  typeof v === "string" && v.length >= min && v.length <= max;

function checkEmbed(embed: unknown, i: number): { problems: string[]; chars: number } {
  const at = `embeds[${i}]`;
  if (!isObject(embed)) return { problems: [`${at}: an object`], chars: 0 };
  const problems = Object.keys(embed)
    .filter((k) => !EMBED_KEYS.has(k))
    .map((k) => `${at}.${k}: not allowed in a webhook embed`);
  let chars = 0;
  const text = (value: unknown, where: string, max: number, min = 0) => {
    if (value === undefined) return;
    if (typeof value === "string" && str(value, min, max)) chars += value.length;
    else problems.push(`${where}: ${min} to ${max} characters`);
  };
  text(embed.title, `${at}.title`, 256);
  text(embed.description, `${at}.description`, 4096);
  if (embed.url !== undefined && !(typeof embed.url === "string" && URL.canParse(embed.url)))
    problems.push(`${at}.url: a URL`);
  if (embed.timestamp !== undefined && Number.isNaN(Date.parse(String(embed.timestamp))))
    problems.push(`${at}.timestamp: ISO8601`);
  if (
    embed.color !== undefined &&
    !(Number.isInteger(embed.color) && (embed.color as number) >= 0 && (embed.color as number) <= 0xffffff)
  )
    problems.push(`${at}.color: an integer RGB value`);
  if (embed.footer !== undefined) {
    if (!isObject(embed.footer)) problems.push(`${at}.footer: an object`);
    else text(embed.footer.text, `${at}.footer.text`, 2048, 1);
  }
  if (embed.author !== undefined) {
    if (!isObject(embed.author)) problems.push(`${at}.author: an object`);
    else text(embed.author.name, `${at}.author.name`, 256, 1);
  }
  if (embed.fields !== undefined) {
    if (!Array.isArray(embed.fields) || embed.fields.length > 25) problems.push(`${at}.fields: at most 25`);
    else
      embed.fields.forEach((f, j) => {
        if (!isObject(f)) {
          problems.push(`${at}.fields[${j}]: an object`);
          return;
        }
        text(f.name, `${at}.fields[${j}].name`, 256, 1);
        text(f.value, `${at}.fields[${j}].value`, 1024, 1);
        if (f.inline !== undefined && typeof f.inline !== "boolean")
          problems.push(`${at}.fields[${j}].inline: a boolean`);
      });
  }
  return { problems, chars };
}

/** The problems with an execute-webhook body, field by field; none for a body Discord posts. */
export function checkDiscordBody(body: unknown): string[] {
  if (!isObject(body)) return ["the body: a JSON object"];
  const problems = Object.keys(body)
    .filter((k) => !PARAMS.has(k))
    .map((k) => `${k}: not an execute-webhook param`);
  if (body.content === undefined && body.embeds === undefined)
    problems.push("content or embeds: one is required");
  if (body.content !== undefined && !str(body.content, 0, 2000))
    problems.push("content: at most 2000 characters");
  if (
    body.username !== undefined &&
    (!str(body.username, 1, 80) || /clyde|discord/i.test(String(body.username)))
  )
    problems.push("username: 1 to 80 characters, without 'discord' or 'clyde'");
  if (body.allowed_mentions !== undefined) {
    const parse = isObject(body.allowed_mentions) ? body.allowed_mentions.parse : undefined;
    if (!Array.isArray(parse) || parse.some((p) => !MENTION_TYPES.has(String(p))))
      problems.push("allowed_mentions.parse: roles, users or everyone");
  }
  if (body.embeds !== undefined) {
    if (!Array.isArray(body.embeds) || body.embeds.length > 10) problems.push("embeds: at most 10");
    else {
      const checked = body.embeds.map(checkEmbed);
      problems.push(...checked.flatMap((c) => c.problems));
      if (checked.reduce((n, c) => n + c.chars, 0) > 6000)
        problems.push("embeds: more than 6000 characters in all");
    }
  }
  return problems;
}

/**
 * Discord's webhook on loopback (HTTPS): with `?wait=true` 200 and the created message,
 * without it 204; 400 `{"code": 50035, ...}` for a body Discord would refuse.
 */
export function startDiscordReceiver(tls: LoopbackCert): Promise<HttpReceiver> {
  return startHttpReceiver({
    tls,
    check: checkDiscordBody,
    accept: (request) =>
      request.query.get("wait") === "true"
        ? {
            status: 200,
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              id: BigInt(`0x${randomBytes(7).toString("hex")}`).toString(),
              type: 0,
              ...(request.json as Json),
            }),
          }
        : { status: 204 },
    reject: (problems) => ({
      status: 400,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: 50035, message: "Invalid Form Body", errors: problems }),
    }),
  });
}
