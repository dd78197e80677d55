import {
  type ContainerImage,
  type DeploymentHistoryEntry,
  HISTORY_STATUSES,
  type ImageDigest,
  PUSHED_AT_SOURCES,
  SIGNATURE_POLICIES,
  type SignatureVerification,
  signatureResultSchema,
} from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import { iso } from "./openapi-router.js";

export const ImageJson = z
  .object({
    id: z.string(),
    environmentId: z.string(),
    name: z.string(),
    imageName: z.string(),
    tagFilter: z.string(),
    registryConnectionId: z.string().nullable(),
    lastCheckedAt: z.string().nullable(),
    deployedDigestId: z.string().nullable(),
    updateAvailable: z.boolean(),
    latestDigestId: z.string().nullable(),
    latestTag: z.string().nullable(),
    updateReason: z.string().nullable(),
    autoUpdate: z.boolean(),
    /** The image's own signature policy; null follows the environment's. */
    signaturePolicy: z.enum(SIGNATURE_POLICIES).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("ContainerImage");

export function imageJson(image: ContainerImage): z.infer<typeof ImageJson> {
  return {
    id: image.id,
    environmentId: image.environmentId,
    name: image.name,
    imageName: image.imageName,
    tagFilter: image.tagFilter,
    registryConnectionId: image.registryConnectionId,
    lastCheckedAt: iso(image.lastCheckedAt),
    deployedDigestId: image.deployedDigestId,
    updateAvailable: image.updateAvailable,
    latestDigestId: image.latestDigestId,
    latestTag: image.latestTag,
    updateReason: image.updateReason,
    autoUpdate: image.autoUpdate,
    signaturePolicy: image.signaturePolicy,
    createdAt: iso(image.createdAt),
    updatedAt: iso(image.updatedAt),
  };
}

export const DigestJson = z
  .object({
    id: z.string(),
    manifestDigest: z.string(),
    mediaType: z.string(),
    configDigest: z.string().nullable(),
    tags: z.array(z.string()),
    size: z.number().nullable(),
    pushedAt: z.string(),
    pushedAtSource: z.enum(PUSHED_AT_SOURCES),
    discoveredAt: z.string(),
    platforms: z.array(
      z.object({
        os: z.string(),
        architecture: z.string(),
        variant: z.string().nullable(),
        digest: z.string(),
        size: z.number().nullable(),
      }),
    ),
    /** The last signature check against the environment's current keys; null when none was made. */
    signature: signatureResultSchema.omit({ policy: true }).nullable(),
  })
  .openapi("ImageDigest");

export function digestJson(digest: ImageDigest, check?: SignatureVerification): z.infer<typeof DigestJson> {
  return {
    id: digest.id,
    manifestDigest: digest.manifestDigest,
    mediaType: digest.mediaType,
    configDigest: digest.configDigest,
    tags: [...digest.tags],
    size: digest.size,
    pushedAt: iso(digest.pushedAt),
    pushedAtSource: digest.pushedAtSource,
    discoveredAt: iso(digest.discoveredAt),
    platforms: digest.platforms.map((p) => ({ ...p })),
    signature: check
      ? {
          status: check.status,
          keyId: check.keyId,
          keyName: check.keyName,
          kind: check.kind,
          reason: check.reason,
          checkedAt: iso(check.checkedAt),
        }
      : null,
  };
}

/** One line of `GET /api/container-images/:id/history` (seed 001). */
export const HistoryJson = z
  .object({
    id: z.string(),
    planId: z.string(),
    tag: z.string().nullable(),
    digest: z.string(),
    status: z.enum(HISTORY_STATUSES),
    deployedAt: z.string(),
    deployedBy: z.string(),
    deploymentCount: z.number().int(),
    totalDurationMs: z.number().int(),
    services: z.array(z.object({ id: z.string(), name: z.string(), serverName: z.string() })),
    /** The plan's signature check (a refusal's or a warning's reason); null when the policy was off. */
    signature: signatureResultSchema.nullable(),
  })
  .openapi("DeploymentHistoryEntry");

export function historyJson(entry: DeploymentHistoryEntry): z.infer<typeof HistoryJson> {
  return {
    id: entry.id,
    planId: entry.planId,
    tag: entry.tag,
    digest: entry.digest,
    status: entry.status,
    deployedAt: iso(entry.deployedAt),
    deployedBy: entry.deployedBy,
    deploymentCount: entry.deploymentCount,
    totalDurationMs: entry.totalDurationMs,
    services: entry.services.map((s) => ({ id: s.id, name: s.name, serverName: s.serverName })),
    signature: entry.signature,
  };
}
