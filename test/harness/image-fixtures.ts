import {
  type BuiltImage,
  buildImage,
  type Platform,
  parsePlatform,
  sharedFixtureLayer,
} from "./image-build.js";
import { createPushClient, type PushClient, type PushTarget } from "./oci-push.js";

/** A manifest the harness pushed, with what a sync should learn from it. */
export interface PushedImage {
  repo: string;
  /** Null for manifests pushed by digest only (index children). */
  tag: string | null;
  digest: string;
  mediaType: string;
  /** The exact manifest bytes, and their length. */
  manifest: Buffer;
  manifestLength: number;
  /** Config size plus the sizes of all layers, as a registry reports "compressed size". */
  size: number;
  configDigest: string;
  /** The config's `created` timestamp. */
  created: string;
  platform: Platform;
}

export interface ImageOptions {
  /** The config's `created`; default 2026-01-01T00:00:00Z. */
  created?: string | Date;
  /** "os/arch[/variant]" or an object; default linux/amd64. */
  platform?: Platform | string;
  /**
   * Changes the image (a config label) without new layers. Default `repo:tag`: different tags
   * get different digests and pushing the same tag again is a no-op. Reuse a seed to give two
   * tags one digest; pass a new one to move a tag.
   */
  seed?: string;
  labels?: Record<string, string>;
}

export interface OciImageOptions extends ImageOptions {
  annotations?: Record<string, string>;
}

export const defaultCreated = "2026-01-01T00:00:00.000Z";

/** @internal Shared by the fixture modules: config labels and created time from options. */
export function fixtureConfig(options: ImageOptions, defaultSeed: string) {
  const created = options.created === undefined ? defaultCreated : new Date(options.created).toISOString();
  const labels = { ...options.labels, "org.bridgeport.test.seed": options.seed ?? defaultSeed };
  return {
    created,
    platform: parsePlatform(options.platform ?? "linux/amd64"),
    containerConfig: { Labels: labels },
  };
}

/**
 * Uploads an image's blobs and PUTs its manifest under `reference` (a tag, or its digest).
 *
 * @example
 * await pushBuiltImage(client, "app", "v1", image, { created, platform });
 */
export async function pushBuiltImage(
  client: PushClient,
  repo: string,
  reference: string,
  image: BuiltImage,
  meta: { created: string; platform: Platform },
): Promise<PushedImage> {
  await client.uploadBlob(repo, image.config);
  for (const layer of image.layers) await client.uploadBlob(repo, layer.compressed);
  const digest = await client.putManifest(repo, reference, image.manifest, image.mediaType);
  return {
    repo,
    tag: reference.startsWith("sha256:") ? null : reference,
    digest,
    mediaType: image.mediaType,
    manifest: image.manifest,
    manifestLength: image.manifest.length,
    size: image.size,
    configDigest: image.configDigest,
    ...meta,
  };
}

async function pushSingle(
  target: PushTarget,
  repo: string,
  tag: string,
  format: "oci" | "docker",
  options: OciImageOptions,
): Promise<PushedImage> {
  const { created, platform, containerConfig } = fixtureConfig(options, `${repo}:${tag}`);
  const image = buildImage({
    format,
    platform,
    created,
    containerConfig,
    layers: [sharedFixtureLayer()],
    ...(options.annotations ? { annotations: options.annotations } : {}),
  });
  return pushBuiltImage(createPushClient(target), repo, tag, image, { created, platform });
}

/**
 * Pushes a single-platform OCI image (`application/vnd.oci.image.manifest.v1+json`).
 *
 * @example
 * const image = await pushOciImage(registry, "team/app", "v1.2.3", { created: "2026-02-01T00:00:00Z" });
 */
export function pushOciImage(
  target: PushTarget,
  repo: string,
  tag: string,
  options: OciImageOptions = {},
): Promise<PushedImage> {
  return pushSingle(target, repo, tag, "oci", options);
}

/**
 * Pushes a single-platform Docker image (`application/vnd.docker.distribution.manifest.v2+json`).
 *
 * @example
 * await pushDockerV2Image(registry, "team/app", "latest", { seed: "build-2" });
 */
export function pushDockerV2Image(
  target: PushTarget,
  repo: string,
  tag: string,
  options: ImageOptions = {},
): Promise<PushedImage> {
  return pushSingle(target, repo, tag, "docker", options);
}

/**
 * Points `tag` at an existing manifest: GET its bytes by digest and PUT them under the tag.
 *
 * @example
 * await retag(registry, "team/app", "latest", older.digest);
 */
export async function retag(target: PushTarget, repo: string, tag: string, digest: string): Promise<string> {
  const client = createPushClient(target);
  const manifest = await client.getManifest(repo, digest);
  return client.putManifest(repo, tag, manifest.bytes, manifest.mediaType);
}

/**
 * Deletes a manifest by digest (the test registries run with deletes enabled); its tags go with it.
 *
 * @example
 * await deleteManifest(registry, "team/app", image.digest);
 */
export async function deleteManifest(target: PushTarget, repo: string, digest: string): Promise<void> {
  await createPushClient(target).deleteManifest(repo, digest);
}
