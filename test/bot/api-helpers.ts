import type { BotLab } from "./bot-lab.js";

/** An API answer's JSON: tests read arbitrary shapes and assert them. */
// biome-ignore lint/suspicious/noExplicitAny: the tests assert the shape, the type would only repeat it
export type Json = Record<string, any>;

export interface Answer {
  status: number;
  body: Json;
  text: string;
}

/** One API call as JSON in, status and JSON out. */
export async function call(lab: BotLab, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await lab.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, text };
}

/** Every string anywhere in a JSON value: the deep scan for leaked secrets. */
export function allStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => [k, ...allStrings(v)]);
  return [];
}

/** The secrets that appear in the answer's raw text or in any of its JSON keys and strings. */
export function leaks(answer: Answer, secrets: readonly string[]): string[] {
  const strings = allStrings(answer.body);
  return secrets.filter((s) => answer.text.includes(s) || strings.some((v) => v.includes(s)));
}
