import { createHash } from "node:crypto";
import { z } from "zod";
import { RegistryError } from "./errors.js";
import { INDEX_MEDIA_TYPES, MEDIA_TYPES, NON_IMAGE_CONFIG_TYPES } from "./media-types.js";

const digest = z.string().regex(/^sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})$/);
const descriptor = z.object({
  mediaType: z.string().min(1).max(255),
  digest,
  size: z.number().int().nonnegative(),
  annotations: z.record(z.string(), z.string()).optional(),
  // What a referrer is (a signature, an SBOM...), as a referrers list names it.
  artifactType: z.string().max(255).optional(),
});
const platform = z.object({
  os: z.string().min(1).max(64),
  architecture: z.string().min(1).max(64),
  variant: z.string().max(64).optional(),
});

const imageManifest = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.enum([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]),
  artifactType: z.string().optional(),
  config: descriptor,
  layers: z.array(descriptor).max(10_000),
  annotations: z.record(z.string(), z.string()).optional(),
});
const indexManifest = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.enum([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]),
  manifests: z.array(descriptor.extend({ platform: platform.optional() })).max(10_000),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** A manifest as a registry serves it, validated: a single image or an index of images. */
export const manifestSchema = z.discriminatedUnion("mediaType", [imageManifest, indexManifest]);
export type Manifest = z.infer<typeof manifestSchema>;
export type ImageManifest = z.infer<typeof imageManifest>;
export type IndexManifest = z.infer<typeof indexManifest>;
export type Platform = z.infer<typeof platform>;

/** The subset of an image config Bridgeport reads. */
export const imageConfigSchema = z.object({
  created: z.string().optional(),
  os: z.string().optional(),
  architecture: z.string().optional(),
  variant: z.string().optional(),
});
export type ImageConfig = z.infer<typeof imageConfigSchema>;

/** `sha256:<hex>` (or sha512) of bytes. */
export function digestOf(bytes: Uint8Array, algorithm: "sha256" | "sha512" = "sha256"): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

/**
 * Checks that `bytes` hash to `expected`, so a registry or proxy cannot hand us other
 * content under a digest we pin deploys to.
 */
export function verifyDigest(bytes: Uint8Array, expected: string, what: string): void {
  const algorithm = expected.startsWith("sha512:") ? "sha512" : "sha256";
  const actual = digestOf(bytes, algorithm);
  if (actual !== expected) {
    throw new RegistryError(`Digest mismatch for ${what}: expected ${expected}, got ${actual}`, {
      status: 200,
      temporary: false,
    });
  }
}

/**
 * Parses manifest bytes; `contentType` fills in an absent `mediaType` field (allowed by OCI).
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined, what: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    throw invalid(what, "not JSON");
  }
  if (typeof json === "object" && json !== null && !("mediaType" in json) && contentType) {
    json = { ...json, mediaType: contentType.split(";")[0]?.trim() };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw invalid(what, parsed.error.issues[0]?.message ?? "unknown shape");
  return parsed.data;
}

export const isIndex = (m: Manifest): m is IndexManifest => INDEX_MEDIA_TYPES.includes(m.mediaType);

/** Signatures, attestations and other artifacts stored as manifests are not deployable images. */
export function isArtifact(m: ImageManifest): boolean {
  return m.artifactType !== undefined || NON_IMAGE_CONFIG_TYPES.includes(m.config.mediaType);
}

/** Index entries that describe runnable images: not `unknown/unknown` attestation entries. */
export function runnableChildren(
  index: IndexManifest,
): (IndexManifest["manifests"][number] & { platform: Platform })[] {
  return index.manifests.filter(
    (m): m is IndexManifest["manifests"][number] & { platform: Platform } =>
      m.platform !== undefined &&
      m.platform.os !== "unknown" &&
      m.platform.architecture !== "unknown" &&
      m.annotations?.["vnd.docker.reference.type"] !== "attestation-manifest",
  );
}

/** Compressed size of an image: its config plus its layers. */
export const imageSize = (m: ImageManifest): number =>
  m.config.size + m.layers.reduce((sum, l) => sum + l.size, 0);

/** `linux/arm64/v8` style platform name. */
export const formatPlatform = (p: Platform): string =>
  [p.os, p.architecture, p.variant].filter((s): s is string => Boolean(s)).join("/");

function invalid(what: string, reason: string): RegistryError {
  return new RegistryError(`Invalid manifest for ${what}: ${reason}`, { status: 200, temporary: false });
}
