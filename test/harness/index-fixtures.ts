import { sha256Digest } from "./digest.js";
import { buildImage, type Platform, parsePlatform, sharedFixtureLayer } from "./image-build.js";
import {
  defaultCreated,
  fixtureConfig,
  type ImageOptions,
  type PushedImage,
  pushBuiltImage,
} from "./image-fixtures.js";
import { mediaTypes } from "./media-types.js";
import { createPushClient, type PushClient, type PushTarget } from "./oci-push.js";

export interface PushedIndexChild extends PushedImage {
  /** True for a BuildKit attestation manifest (platform unknown/unknown). */
  attestation: boolean;
  /** For an attestation: the digest of the platform image it describes. */
  attests?: string;
}

export interface PushedIndex {
  repo: string;
  tag: string;
  digest: string;
  mediaType: string;
  manifest: Buffer;
  manifestLength: number;
  /** In index order: the platform images, then their attestation manifests. */
  children: PushedIndexChild[];
}

export interface IndexOptions extends Omit<ImageOptions, "platform"> {
  /** Add one attestation manifest per platform, as BuildKit does with provenance/SBOM on. */
  attestation?: boolean;
  /** Annotations on the index itself (OCI only). */
  annotations?: Record<string, string>;
}

function platformText(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}

async function pushAttestation(
  client: PushClient,
  repo: string,
  subject: PushedImage,
): Promise<PushedIndexChild> {
  const statement = Buffer.from(
    JSON.stringify({
      _type: "https://in-toto.io/Statement/v0.1",
      predicateType: "https://spdx.dev/Document",
      subject: [{ name: `pkg:docker/${repo}`, digest: { sha256: subject.digest.slice("sha256:".length) } }],
      predicate: { spdxVersion: "SPDX-2.3", name: "bridgeport-fixture" },
    }),
  );
  const platform = { os: "unknown", architecture: "unknown" };
  const config = Buffer.from(
    JSON.stringify({
      ...platform,
      config: {},
      rootfs: { type: "layers", diff_ids: [sha256Digest(statement)] },
    }),
  );
  const configDigest = sha256Digest(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: configDigest, size: config.length },
      layers: [
        {
          mediaType: mediaTypes.inToto,
          digest: sha256Digest(statement),
          size: statement.length,
          annotations: { "in-toto.io/predicate-type": "https://spdx.dev/Document" },
        },
      ],
    }),
  );
  await client.uploadBlob(repo, config);
  await client.uploadBlob(repo, statement);
  const digest = await client.putManifest(repo, sha256Digest(manifest), manifest, mediaTypes.ociManifest);
  return {
    repo,
    tag: null,
    digest,
    mediaType: mediaTypes.ociManifest,
    manifest,
    manifestLength: manifest.length,
    size: config.length + statement.length,
    configDigest,
    created: defaultCreated,
    platform,
    attestation: true,
    attests: subject.digest,
  };
}

async function pushMultiPlatform(
  target: PushTarget,
  repo: string,
  tag: string,
  platforms: readonly (Platform | string)[],
  format: "oci" | "docker",
  options: IndexOptions,
): Promise<PushedIndex> {
  const client = createPushClient(target);
  const children: PushedIndexChild[] = [];
  for (const wanted of platforms) {
    const platform = parsePlatform(wanted);
    const seed = `${options.seed ?? `${repo}:${tag}`}|${platformText(platform)}`;
    const { created, containerConfig } = fixtureConfig({ ...options, seed }, seed);
    const image = buildImage({ format, platform, created, containerConfig, layers: [sharedFixtureLayer()] });
    const pushed = await pushBuiltImage(client, repo, sha256Digest(image.manifest), image, {
      created,
      platform,
    });
    children.push({ ...pushed, attestation: false });
  }
  if (options.attestation) {
    if (format !== "oci") throw new Error("attestation manifests only exist in OCI indexes");
    const images = [...children];
    for (const image of images) children.push(await pushAttestation(client, repo, image));
  }
  const mediaType = format === "oci" ? mediaTypes.ociIndex : mediaTypes.dockerManifestList;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: children.map((child) => ({
        mediaType: child.mediaType,
        digest: child.digest,
        size: child.manifestLength,
        platform: child.platform,
        ...(child.attests === undefined
          ? {}
          : {
              annotations: {
                "vnd.docker.reference.digest": child.attests,
                "vnd.docker.reference.type": "attestation-manifest",
              },
            }),
      })),
      ...(format === "oci" && options.annotations ? { annotations: options.annotations } : {}),
    }),
  );
  const digest = await client.putManifest(repo, tag, manifest, mediaType);
  return { repo, tag, digest, mediaType, manifest, manifestLength: manifest.length, children };
}

/**
 * Pushes an OCI index of per-platform OCI images, optionally with BuildKit-style attestation
 * manifests (platform unknown/unknown, `vnd.docker.reference.type: attestation-manifest`).
 *
 * @example
 * const index = await pushOciIndex(registry, "team/app", "v2", ["linux/amd64", "linux/arm64/v8"], { attestation: true });
 */
export function pushOciIndex(
  target: PushTarget,
  repo: string,
  tag: string,
  platforms: readonly (Platform | string)[],
  options: IndexOptions = {},
): Promise<PushedIndex> {
  return pushMultiPlatform(target, repo, tag, platforms, "oci", options);
}

/**
 * Pushes a Docker manifest list (`application/vnd.docker.distribution.manifest.list.v2+json`)
 * of per-platform Docker v2 images.
 *
 * @example
 * await pushDockerManifestList(registry, "team/app", "v2", ["linux/amd64", "linux/arm/v7"]);
 */
export function pushDockerManifestList(
  target: PushTarget,
  repo: string,
  tag: string,
  platforms: readonly (Platform | string)[],
  options: Omit<IndexOptions, "attestation" | "annotations"> = {},
): Promise<PushedIndex> {
  return pushMultiPlatform(target, repo, tag, platforms, "docker", options);
}
