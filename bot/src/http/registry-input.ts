import {
  isValidRegistryHost,
  REGISTRY_TYPES,
  type RegistryEndpoint,
  type RegistrySecrets,
  registrySecretsSchema,
} from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import type { Defined } from "./defined-only.js";
import { headerSafe, multilineText, nameText, plainText } from "./text-input.js";

const SECRET_KEYS = Object.keys(registrySecretsSchema.shape) as (keyof RegistrySecrets)[];

export const registryName = nameText(100);

// Scheme, host[:port], and a path of URL-safe characters: nothing a shell, a header or the URL
// parser (which drops tabs and line breaks, and trims spaces) would read differently.
const REGISTRY_URL_RE = /^https?:\/\/([^/]+)(?:\/[A-Za-z0-9._~/-]*)?$/i;

/**
 * Whether `url` is a registry endpoint: http(s), a host as image names spell it, an optional
 * path, and no credentials, query, fragment, space or control character.
 *
 * @example
 * isRegistryUrl("https://registry.example.com:5000/v2") // => true
 * isRegistryUrl("https://registry.example.com;$(id)")   // => false
 */
export function isRegistryUrl(url: string): boolean {
  const host = REGISTRY_URL_RE.exec(url)?.[1];
  return host !== undefined && isValidRegistryHost(host) && URL.canParse(url);
}

/** A registry endpoint: http(s) only, no credentials in it (they go in their own fields). */
export const registryUrl = z.string().max(2048).refine(isRegistryUrl, {
  message:
    "an http:// or https:// URL: host[:port] and an optional path, without spaces, user:password@, query or control characters",
});

const secret = registrySecretsSchema.shape;
/** The secret fields, each refused at the edge when it could not travel in a header or a login. */
const secretFields = {
  ...secret,
  username: headerSafe(secret.username.unwrap()).optional(),
  password: headerSafe(secret.password.unwrap()).optional(),
  token: headerSafe(secret.token.unwrap()).optional(),
  accessKeyId: headerSafe(secret.accessKeyId.unwrap()).optional(),
  secretAccessKey: headerSafe(secret.secretAccessKey.unwrap()).optional(),
  sessionToken: headerSafe(secret.sessionToken.unwrap()).optional(),
  // A JSON key file spans lines; it reaches registries base64-encoded, and docker login on stdin.
  serviceAccountKey: multilineText(secret.serviceAccountKey.unwrap()).optional(),
};

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
  autoLinkPattern: plainText(255).min(1).nullable().optional(),
};

/** Seed 000's body: connection fields and the secret fields side by side. */
export const RegistryCreateInput = z
  .object({ ...registryMeta, ...secretFields })
  .strict()
  .openapi("RegistryInput");

/** An unsaved connection to test before saving it: the create body, its name optional. */
export const RegistryTestInput = z
  .object({ ...registryMeta, name: registryName.optional(), ...secretFields })
  .strict()
  .openapi("RegistryTestInput");

export const RegistryPatchInput = z
  .object({
    ...registryMeta,
    name: registryName.optional(),
    type: registryMeta.type.optional(),
    registryUrl: registryUrl.optional(),
    ...secretFields,
  })
  .strict()
  .openapi("RegistryPatch");

export const CredentialsInput = z
  .object(secretFields)
  .strict()
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

/**
 * The field of a PATCH that sends the connection's credentials to another destination (a new
 * URL or type), or null. The same value again is no change.
 */
export function movedBy(
  current: RegistryEndpoint,
  patch: Partial<RegistryEndpoint>,
): keyof RegistryEndpoint | null {
  if (patch.registryUrl !== undefined && patch.registryUrl !== current.registryUrl) return "registryUrl";
  if (patch.type !== undefined && patch.type !== current.type) return "type";
  return null;
}
