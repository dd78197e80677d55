import { z } from "zod";
import { lacksUnit, parseDuration } from "./duration.js";

/** Every input action.yml declares; a test holds the two lists equal. */
export const INPUT_NAMES = [
  "url",
  "token",
  "image",
  "digest",
  "tag",
  "environment",
  "wait",
  "timeout",
  "auto-rollback",
  "github-token",
  "comment",
] as const;
export type InputName = (typeof INPUT_NAMES)[number];

/** Defaults for inputs left empty; action.yml declares the same ones (a test compares them). */
export const INPUT_DEFAULTS = {
  wait: "true",
  timeout: "15m",
  "auto-rollback": "true",
  comment: "true",
} as const satisfies Partial<Record<InputName, string>>;

export interface ActionInputs {
  /** The bot's base URL, without a trailing slash. */
  url: string;
  token: string;
  image: string;
  ref: { digest: string } | { tag: string };
  environment: string;
  wait: boolean;
  timeoutMs: number;
  autoRollback: boolean;
  /** Absent: no PR comment. */
  githubToken: string | undefined;
  comment: boolean;
}

/** An input that cannot be used; the message names it and says what it should be. */
export class InputError extends Error {
  override name = "InputError";
}

const required = (name: InputName, what: string) =>
  z.string().min(1, `Input \`${name}\` is required: ${what}`);

// The YAML 1.2 core schema booleans, the same ones @actions/core's getBooleanInput accepts.
const boolean = (name: InputName) =>
  z
    .enum(["true", "True", "TRUE", "false", "False", "FALSE"], {
      error: `Input \`${name}\` must be true or false`,
    })
    .transform((value) => value.toLowerCase() === "true");

const Schema = z
  .object({
    url: required("url", "the Bridgeport bot's URL, e.g. https://bridgeport.example.com")
      .pipe(z.url({ protocol: /^https?$/, error: "Input `url` must be an http(s) URL" }))
      .refine((url) => !/^\w+:\/\/[^/]*@/.test(url), {
        error: "Input `url` must not carry credentials: give the API token in the `token` input",
      })
      .transform((url) => url.replace(/\/+$/, "")),
    token: required("token", "an API token of the bot (POST /api/tokens), stored as a secret"),
    image: required("image", "the image as configured in Bridgeport, e.g. registry.example.com/team/api"),
    environment: required("environment", "the Bridgeport environment to deploy to, e.g. production"),
    digest: z.union([
      z.literal(""),
      z.string().regex(/^sha256:[a-f0-9]{64}$/, "Input `digest` must be sha256:<64 lowercase hex>"),
    ]),
    tag: z.union([
      z.literal(""),
      z
        .string()
        .regex(/^\w[\w.-]{0,127}$/, "Input `tag` must be a tag (letters, digits, _ . -; at most 128)"),
    ]),
    wait: boolean("wait"),
    timeout: z.string().transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({
          code: "custom",
          message: lacksUnit(text)
            ? `Input \`timeout\` needs a unit: 15m, 900s or 1h (a bare ${text.trim()} could mean minutes or seconds)`
            : "Input `timeout` must be a duration such as 15m, 900s or 1h",
        });
        return z.NEVER;
      }
      return ms;
    }),
    "auto-rollback": boolean("auto-rollback"),
    "github-token": z.string(),
    comment: boolean("comment"),
  })
  .refine((inputs) => (inputs.digest === "") !== (inputs.tag === ""), {
    error: "Give exactly one of the inputs `digest` (preferred: sha256:...) or `tag`",
    path: ["digest"],
  });

/**
 * Reads and checks every input once. `read` is @actions/core's getInput in the Action;
 * empty inputs take INPUT_DEFAULTS. Throws an InputError listing every problem.
 */
export function readInputs(read: (name: InputName) => string): ActionInputs {
  const raw = Object.fromEntries(
    INPUT_NAMES.map((name) => [
      name,
      read(name).trim() || (INPUT_DEFAULTS as Record<string, string>)[name] || "",
    ]),
  );
  const parsed = Schema.safeParse(raw);
  if (!parsed.success) throw new InputError(parsed.error.issues.map((issue) => issue.message).join("\n"));
  const inputs = parsed.data;
  return {
    url: inputs.url,
    token: inputs.token,
    image: inputs.image,
    ref: inputs.digest !== "" ? { digest: inputs.digest } : { tag: inputs.tag },
    environment: inputs.environment,
    wait: inputs.wait,
    timeoutMs: inputs.timeout,
    autoRollback: inputs["auto-rollback"],
    githubToken: inputs["github-token"] || undefined,
    comment: inputs.comment,
  };
}
