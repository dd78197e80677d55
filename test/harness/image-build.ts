import { gzipSync } from "node:zlib";
import { sha256Digest } from "./digest.js";
import { mediaTypes } from "./media-types.js";
import { makeTar } from "./tar.js";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/**
 * Reads "os/architecture[/variant]".
 *
 * @example
 * parsePlatform("linux/arm/v7"); // { os: "linux", architecture: "arm", variant: "v7" }
 */
export function parsePlatform(platform: Platform | string): Platform {
  if (typeof platform !== "string") return platform;
  const [os, architecture, variant, ...rest] = platform.split("/");
  if (!os || !architecture || rest.length > 0)
    throw new Error(`platform "${platform}" is not os/arch[/variant]`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export interface LayerBlob {
  /** The gzip bytes pushed to the registry. */
  compressed: Buffer;
  /** Digest of the uncompressed tar, for the config's rootfs.diff_ids. */
  diffId: string;
}

/**
 * Gzips a layer tar. Node's gzip header carries no timestamp, so equal tars give equal blobs.
 *
 * @example
 * const layer = gzipLayer(makeTar(entries));
 */
export function gzipLayer(tar: Buffer): LayerBlob {
  return { compressed: gzipSync(tar), diffId: sha256Digest(tar) };
}

let fixtureLayer: LayerBlob | undefined;

/** The one small layer plain fixtures share: uploaded once per repository, then skipped. */
export function sharedFixtureLayer(): LayerBlob {
  fixtureLayer ??= gzipLayer(
    makeTar([
      { type: "file", name: "bridgeport-fixture.txt", content: Buffer.from("bridgeport test fixture\n") },
    ]),
  );
  return fixtureLayer;
}

export interface ImageInput {
  format: "oci" | "docker";
  platform: Platform;
  created: string;
  /** The container config (Env, Cmd, Labels, Healthcheck...). */
  containerConfig: Record<string, unknown>;
  layers: readonly LayerBlob[];
  /** OCI manifests only; Docker v2 manifests have no annotations. */
  annotations?: Record<string, string>;
}

export interface BuiltImage {
  config: Buffer;
  configDigest: string;
  layers: readonly LayerBlob[];
  manifest: Buffer;
  mediaType: string;
  /** Compressed size as registries report it: config plus layers. */
  size: number;
}

/**
 * Builds an image config and its manifest, OCI or Docker v2. No I/O.
 *
 * @example
 * const image = buildImage({ format: "oci", platform, created, containerConfig: {}, layers: [layer] });
 */
export function buildImage(input: ImageInput): BuiltImage {
  const oci = input.format === "oci";
  const config = Buffer.from(
    JSON.stringify({
      created: input.created,
      ...input.platform,
      config: input.containerConfig,
      rootfs: { type: "layers", diff_ids: input.layers.map((layer) => layer.diffId) },
      history: input.layers.map(() => ({ created: input.created, created_by: "bridgeport test fixture" })),
    }),
  );
  const configDigest = sha256Digest(config);
  const layerType = oci ? mediaTypes.ociLayerGzip : mediaTypes.dockerLayerGzip;
  const mediaType = oci ? mediaTypes.ociManifest : mediaTypes.dockerManifest;
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: oci ? mediaTypes.ociConfig : mediaTypes.dockerConfig,
      digest: configDigest,
      size: config.length,
    },
    layers: input.layers.map((layer) => ({
      mediaType: layerType,
      digest: sha256Digest(layer.compressed),
      size: layer.compressed.length,
    })),
    ...(oci && input.annotations ? { annotations: input.annotations } : {}),
  };
  const size = config.length + input.layers.reduce((sum, layer) => sum + layer.compressed.length, 0);
  return {
    config,
    configDigest,
    layers: input.layers,
    manifest: Buffer.from(JSON.stringify(manifest)),
    mediaType,
    size,
  };
}
