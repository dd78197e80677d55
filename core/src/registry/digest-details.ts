import type { FetchedManifest, RegistryClient } from "./client.js";
import type { ContentCache } from "./config-cache.js";
import {
  type ImageConfig,
  type ImageManifest,
  imageConfigSchema,
  imageSize,
  isArtifact,
  isIndex,
  runnableChildren,
} from "./manifest.js";

export interface PlatformChild {
  os: string;
  architecture: string;
  variant: string | null;
  digest: string;
  /** Compressed size of this platform's image (config + layers). */
  size: number;
}

/** What a registry says about one manifest digest, learnt once when it is first seen. */
export interface DigestDetails {
  digest: string;
  mediaType: string;
  /** The image config digest (for an index: that of the first runnable platform). */
  configDigest: string | null;
  /** Compressed bytes: config + layers (for an index: the sum over its platforms). */
  size: number;
  /** The image config's `created`, when it has a valid one. */
  created: Date | null;
  /** `linux/amd64` for a single image, from its config; null for an index. */
  platform: string | null;
  /** Per-platform children of an index (attestations left out); empty for a single image. */
  platforms: PlatformChild[];
}

/** A manifest that is not a runnable image (a signature, an attestation, an SBOM). */
export const ARTIFACT = "artifact" as const;

/**
 * Fetches what is needed to describe `digest`: the manifest (unless already in hand), then
 * for an image its config, for an index each platform's manifest and one config.
 */
export async function describeDigest(
  client: RegistryClient,
  repository: string,
  digest: string,
  fetched: FetchedManifest | null,
  configs: ContentCache<ImageConfig>,
): Promise<DigestDetails | typeof ARTIFACT> {
  const { manifest } = fetched ?? (await client.getManifest(repository, digest));
  const config = (m: ImageManifest) =>
    configs.get(m.config.digest, async () =>
      imageConfigSchema.parse(await client.getJsonBlob(repository, m.config.digest)),
    );

  if (!isIndex(manifest)) {
    if (isArtifact(manifest)) return ARTIFACT;
    const cfg = await config(manifest);
    return {
      digest,
      mediaType: manifest.mediaType,
      configDigest: manifest.config.digest,
      size: imageSize(manifest),
      created: parseCreated(cfg.created),
      platform:
        cfg.os && cfg.architecture ? [cfg.os, cfg.architecture, cfg.variant].filter(Boolean).join("/") : null,
      platforms: [],
    };
  }

  const children = runnableChildren(manifest);
  if (children.length === 0) return ARTIFACT;
  const images = await Promise.all(
    children.map(async (child) => {
      const got = await client.getManifest(repository, child.digest);
      if (isIndex(got.manifest)) return null; // nested indexes are not platforms
      return { child, image: got.manifest };
    }),
  );
  const platforms = images.flatMap((entry) => (entry ? [entry] : []));
  const first =
    platforms.find((p) => p.child.platform.os === "linux" && p.child.platform.architecture === "amd64") ??
    platforms[0];
  const cfg = first ? await config(first.image) : null;
  return {
    digest,
    mediaType: manifest.mediaType,
    configDigest: first?.image.config.digest ?? null,
    size: platforms.reduce((sum, p) => sum + imageSize(p.image), 0),
    created: parseCreated(cfg?.created),
    platform: null,
    platforms: platforms.map(({ child, image }) => ({
      os: child.platform.os,
      architecture: child.platform.architecture,
      variant: child.platform.variant ?? null,
      digest: child.digest,
      size: imageSize(image),
    })),
  };
}

function parseCreated(value: string | undefined): Date | null {
  if (!value) return null;
  const time = Date.parse(value);
  // Reproducible builds set the epoch; that is no push time.
  return Number.isNaN(time) || time <= 0 ? null : new Date(time);
}
