import { z } from "zod";

export const HEALTH_CHECK_KINDS = ["docker", "http", "tcp"] as const;
export type HealthCheckKind = (typeof HEALTH_CHECK_KINDS)[number];

/** Bounds keep a misconfigured check from holding a deploy (and its locks) for hours. */
export const HEALTH_CHECK_LIMITS = {
  timeoutMs: { min: 100, max: 60_000, default: 5_000 },
  intervalMs: { min: 100, max: 300_000, default: 2_000 },
  retries: { min: 1, max: 100, default: 10 },
} as const;

const bounded = (limits: { min: number; max: number; default: number }) =>
  z.number().int().min(limits.min).max(limits.max).default(limits.default);

const timing = {
  /** One attempt's limit. */
  timeoutMs: bounded(HEALTH_CHECK_LIMITS.timeoutMs),
  /** Pause between attempts. */
  intervalMs: bounded(HEALTH_CHECK_LIMITS.intervalMs),
  /** Attempts that may fail before the verdict is "unhealthy" (Docker's meaning of retries). */
  retries: bounded(HEALTH_CHECK_LIMITS.retries),
};

const hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/,
    {
      message: "a host name or IP address",
    },
  );

const httpUrl = z
  .url({ protocol: /^https?$/, message: "an http:// or https:// URL" })
  .max(2048)
  .refine((url) => !/[\s\0]/.test(url), { message: "a URL without whitespace" });

/**
 * A service's health check definition, as the API accepts it and the store keeps it
 * (`HealthCheckDefinition`). Checks that need the server's view run from the server: an HTTP
 * URL or TCP host of 127.0.0.1 means the server's own loopback.
 *
 * @example
 * healthCheckSchema.parse({ kind: "http", url: "http://127.0.0.1:8080/health" })
 * // => { kind: "http", url: "...", timeoutMs: 5000, intervalMs: 2000, retries: 10 }
 */
export const healthCheckSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("docker"), ...timing }).strict(),
  z.object({ kind: z.literal("http"), url: httpUrl, ...timing }).strict(),
  z
    .object({
      kind: z.literal("tcp"),
      host: hostname.default("127.0.0.1"),
      port: z.number().int().min(1).max(65535),
      ...timing,
    })
    .strict(),
]);

export type HealthCheck = z.infer<typeof healthCheckSchema>;
export type HealthCheckInput = z.input<typeof healthCheckSchema>;
