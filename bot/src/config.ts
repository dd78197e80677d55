import { createPrivateKey } from "node:crypto";
import { resolve } from "node:path";
import { z } from "zod";

const seconds = (name: string, fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number of seconds` })
    .int(`${name} must be a whole number of seconds`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`)
    .default(fallback);

const optionalSecret = z.string().min(16, "must be at least 16 characters").optional();

/** The embedded libsql database (`file:`, `:memory:`) or a PostgreSQL URL with a host to reach. */
function isDatabaseUrl(url: string): boolean {
  if (/^(file:|:memory:$)/.test(url)) return true;
  if (!/^postgres(ql)?:\/\//i.test(url)) return false;
  try {
    return new URL(url).hostname !== "";
  } catch {
    return false;
  }
}

/**
 * Every setting the bot reads, from the environment, with its default. README.md lists them;
 * an invalid value stops the start with a message naming the variable.
 */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  /**
   * `on` when a proxy in front of the bot terminates TLS: the dashboard then takes the scheme
   * and host from X-Forwarded-Proto and X-Forwarded-Host (Secure cookies, the Origin check).
   */
  TRUST_PROXY: z.enum(["on", "off"]).default("off"),
  BRIDGEPORT_DATA_DIR: z.string().min(1).default(".data"),
  DATABASE_URL: z
    .string()
    .refine(
      isDatabaseUrl,
      "must be a file: URL or :memory: (the embedded libsql database), or postgres://user:password@host:port/database",
    )
    .optional(),
  /** PostgreSQL only: how many connections each bot keeps to the database. */
  DATABASE_POOL_SIZE: z.coerce
    .number({ error: "DATABASE_POOL_SIZE must be a whole number" })
    .int("DATABASE_POOL_SIZE must be a whole number")
    .min(1, "DATABASE_POOL_SIZE must be at least 1")
    .max(200, "DATABASE_POOL_SIZE must be at most 200")
    .default(10),
  BRIDGEPORT_MASTER_KEY: z.string().optional(),
  BRIDGEPORT_ADMIN_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  SCHEDULER_UPDATE_CHECK_INTERVAL: seconds("SCHEDULER_UPDATE_CHECK_INTERVAL", 1800, 10, 86_400),
  REGISTRY_MAX_TAGS: z.coerce.number().int().min(1).max(10_000).default(50),
  /**
   * How long a queue job's claim holds without renewal: after a crash, another run takes the
   * job over once it runs out. A running job renews it every third of it.
   */
  JOB_LEASE_SECONDS: seconds("JOB_LEASE_SECONDS", 300, 1, 3_600),
  /** The same for a deployment plan: how soon a restarted bot may resolve a plan a crash cut off. */
  PLAN_LEASE_SECONDS: seconds("PLAN_LEASE_SECONDS", 60, 1, 3_600),
  /** Finished jobs and webhook deliveries (the dedupe record) are deleted after this many days. */
  JOB_RETENTION_DAYS: z.coerce
    .number({ error: "JOB_RETENTION_DAYS must be a whole number of days" })
    .int("JOB_RETENTION_DAYS must be a whole number of days")
    .min(1, "JOB_RETENTION_DAYS must be at least 1")
    .max(3_650, "JOB_RETENTION_DAYS must be at most 3650")
    .default(14),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Where people open the dashboard: notifications link to its plans and images. */
  BRIDGEPORT_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "must be the dashboard's base URL, http:// or https://" })
    .refine(
      (url) => !url.includes("?") && !url.includes("#"),
      "must be a base URL, without ?query or #fragment",
    )
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
  /** Shared secret for distribution notifications (Harbor, GitLab, self-hosted): the Authorization header value. */
  WEBHOOK_DISTRIBUTION_SECRET: optionalSecret,
  /** Docker Hub has no signing: its webhook URL carries this token. */
  WEBHOOK_DOCKERHUB_TOKEN: optionalSecret,
  /** HMAC secret for GitHub `registry_package`/`package` events (GHCR). */
  WEBHOOK_GITHUB_SECRET: optionalSecret,
  /** Quay notifications carry this token in the URL. */
  WEBHOOK_QUAY_TOKEN: optionalSecret,
  /** CloudEvents (ECR via EventBridge API destinations): the Authorization header value. */
  WEBHOOK_CLOUDEVENTS_SECRET: optionalSecret,
  GITHUB_APP_ID: z.string().regex(/^\d+$/, "must be the numeric GitHub App id").optional(),
  GITHUB_PRIVATE_KEY: z
    .string()
    // Often pasted into one line with escaped newlines.
    .transform((key) => key.replaceAll("\\n", "\n").trim())
    .refine(
      (key) => isPrivateKeyPem(key),
      "must be the GitHub App's private key in PEM form (-----BEGIN ... PRIVATE KEY-----)",
    )
    .optional(),
  GITHUB_WEBHOOK_SECRET: optionalSecret,
  GITHUB_API_URL: z.url().default("https://api.github.com"),
  /** Space GitHub writes as GitHub asks and wait out rate limits; `off` only for a loopback test API. */
  GITHUB_REQUEST_THROTTLE: z.enum(["on", "off"]).default("on"),
});

function isPrivateKeyPem(key: string): boolean {
  if (!/^-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/.test(key)) return false;
  try {
    createPrivateKey(key);
    return true;
  } catch {
    return false;
  }
}

export type BotConfig = z.infer<typeof configSchema> & { databaseUrl: string; dataDir: string };

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * Reads and checks the configuration. Errors name each variable and say what it must be; they
 * never echo a value (several are secrets).
 *
 * @example
 * loadConfig({ PORT: "8080" }).PORT // => 8080
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): BotConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const dataDir = resolve(parsed.data.BRIDGEPORT_DATA_DIR);
  return {
    ...parsed.data,
    dataDir,
    databaseUrl: parsed.data.DATABASE_URL ?? `file:${resolve(dataDir, "bridgeport.db")}`,
  };
}
