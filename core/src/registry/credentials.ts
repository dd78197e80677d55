import { z } from "zod";

/** Registry provider types (SPEC.md section 2). */
export const REGISTRY_TYPES = [
  "generic",
  "dockerhub",
  "digitalocean",
  "ghcr",
  "ecr",
  "gcr",
  "gar",
  "acr",
  "quay",
  "public",
] as const;
export type RegistryType = (typeof REGISTRY_TYPES)[number];

/**
 * The secret part of a registry connection. Stored only encrypted (one versioned blob per
 * credential version); never returned by the API, logged, or put in an error text.
 */
export const registrySecretsSchema = z
  .object({
    username: z.string().min(1).max(256),
    password: z.string().min(1).max(8192),
    token: z.string().min(1).max(8192),
    accessKeyId: z.string().min(1).max(256),
    secretAccessKey: z.string().min(1).max(1024),
    sessionToken: z.string().min(1).max(8192),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as us-east-1"),
    serviceAccountKey: z.string().min(2).max(65536),
  })
  .partial()
  .strict();
export type RegistrySecrets = z.infer<typeof registrySecretsSchema>;

/** Which secret fields are present, for metadata-only callers (`hasToken`, `hasPassword`). */
export function secretFieldsPresent(secrets: RegistrySecrets): (keyof RegistrySecrets)[] {
  return (Object.keys(secrets) as (keyof RegistrySecrets)[]).filter((k) => secrets[k] !== undefined);
}
