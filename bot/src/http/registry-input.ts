import { REGISTRY_TYPES, type RegistrySecrets, registrySecretsSchema } from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import type { Defined } from "./defined-only.js";

const SECRET_KEYS = Object.keys(registrySecretsSchema.shape) as (keyof RegistrySecrets)[];

export const registryName = z.string().trim().min(1).max(100);

/** A registry endpoint: http(s) only, no credentials in it (they go in their own fields). */
export const registryUrl = z
  .url({ protocol: /^https?$/, message: "an http:// or https:// URL" })
  .max(2048)
  .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), { message: "a URL without user:password@" });

const registryMeta = {
  name: registryName,
  type: z.enum(REGISTRY_TYPES),
  registryUrl,
  repositoryPrefix: z
    .string()
    .max(255)
    .regex(/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/, "a repository path prefix (lowercase, / separated)")
    .nullable()
    .optional(),
  isDefault: z.boolean().optional(),
  refreshIntervalMinutes: z.number().int().min(5).max(1440).optional(),
  autoLinkPattern: z.string().min(1).max(255).nullable().optional(),
};

/** Seed 000's body: connection fields and the secret fields side by side. */
export const RegistryCreateInput = z
  .object({ ...registryMeta, ...registrySecretsSchema.shape })
  .strict()
  .openapi("RegistryInput");

export const RegistryPatchInput = z
  .object({
    ...registryMeta,
    name: registryName.optional(),
    type: registryMeta.type.optional(),
    registryUrl: registryUrl.optional(),
    ...registrySecretsSchema.shape,
  })
  .strict()
  .openapi("RegistryPatch");

export const CredentialsInput = registrySecretsSchema
  .refine((s) => Object.values(s).some((v) => v !== undefined), { message: "at least one credential field" })
  .openapi("RegistryCredentials");

/** Splits a body into the connection's metadata and its secrets (only the fields sent). */
export function splitSecrets<T extends Record<string, unknown>>(
  body: T,
): { meta: Omit<Defined<T>, keyof RegistrySecrets>; secrets: RegistrySecrets } {
  const meta: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if ((SECRET_KEYS as string[]).includes(key)) secrets[key] = value;
    else meta[key] = value;
  }
  return { meta: meta as Omit<Defined<T>, keyof RegistrySecrets>, secrets: secrets as RegistrySecrets };
}

export const hasSecrets = (secrets: RegistrySecrets) => Object.keys(secrets).length > 0;
