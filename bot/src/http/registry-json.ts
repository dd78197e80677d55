import { REGISTRY_TYPES, type RegistryConnection } from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import { iso } from "./openapi-router.js";

/** A registry connection as the API shows it: which secrets are set, never their values. */
export const RegistryJson = z
  .object({
    id: z.string(),
    environmentId: z.string(),
    name: z.string(),
    type: z.enum(REGISTRY_TYPES),
    registryUrl: z.string(),
    repositoryPrefix: z.string().nullable(),
    hasToken: z.boolean(),
    hasPassword: z.boolean(),
    /** Names of the secret fields the active credentials hold (e.g. "username"). */
    credentialFields: z.array(z.string()),
    credentialVersion: z.number().int().nullable(),
    isDefault: z.boolean(),
    refreshIntervalMinutes: z.number().int(),
    autoLinkPattern: z.string().nullable(),
    lastSyncAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Registry");

export function registryJson(registry: RegistryConnection): z.infer<typeof RegistryJson> {
  return {
    id: registry.id,
    environmentId: registry.environmentId,
    name: registry.name,
    type: registry.type,
    registryUrl: registry.registryUrl,
    repositoryPrefix: registry.repositoryPrefix,
    hasToken: registry.secretFields.includes("token"),
    hasPassword: registry.secretFields.includes("password"),
    credentialFields: [...registry.secretFields],
    credentialVersion: registry.activeCredentialVersion,
    isDefault: registry.isDefault,
    refreshIntervalMinutes: registry.refreshIntervalMinutes,
    autoLinkPattern: registry.autoLinkPattern,
    lastSyncAt: iso(registry.lastSyncAt),
    createdAt: iso(registry.createdAt),
    updatedAt: iso(registry.updatedAt),
  };
}

export const CredentialVersionJson = z
  .object({
    version: z.number().int(),
    fields: z.array(z.string()),
    createdAt: z.string(),
    active: z.boolean(),
  })
  .openapi("RegistryCredentialVersion");

/** One tag of a registry repository as the tag browsers show it (seeds 000 and 001). */
export const TagRowJson = z
  .object({
    tag: z.string(),
    digest: z.string(),
    size: z.number().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi("RepositoryTag");
