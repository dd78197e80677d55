import { sha256Digest } from "./digest.js";
import type { PushedImage } from "./image-fixtures.js";
import { mediaTypes } from "./media-types.js";
import { createPushClient, type PushTarget } from "./oci-push.js";

export const cosignKinds = ["sig", "att", "sbom"] as const;
export type CosignKind = (typeof cosignKinds)[number];

const layerByKind = {
  sig: {
    mediaType: mediaTypes.cosignSimpleSigning,
    annotations: {
      "dev.cosignproject.cosign/signature": Buffer.from("not a real signature").toString("base64"),
    },
  },
  att: {
    mediaType: mediaTypes.dsseEnvelope,
    annotations: { predicateType: "https://slsa.dev/provenance/v0.2" },
  },
  sbom: { mediaType: mediaTypes.spdxJson, annotations: {} },
} as const;

/**
 * The tag cosign stores an artifact under: `sha256-<hex>.sig` (or `.att`, `.sbom`).
 *
 * @example
 * cosignTag("sha256:ab12...", "sig"); // "sha256-ab12....sig"
 */
export function cosignTag(subjectDigest: string, kind: CosignKind = "sig"): string {
  return `${subjectDigest.replace(":", "-")}.${kind}`;
}

/**
 * Pushes a cosign-style artifact for `subjectDigest` under its `sha256-<hex>.<kind>` tag: an
 * OCI manifest whose one layer is a signature payload, a DSSE attestation or an SBOM. A sync
 * must skip these tags.
 *
 * @example
 * await pushCosignSignature(registry, "team/app", image.digest);
 * await pushCosignSignature(registry, "team/app", image.digest, { kind: "att" });
 */
export async function pushCosignSignature(
  target: PushTarget,
  repo: string,
  subjectDigest: string,
  options: { kind?: CosignKind } = {},
): Promise<PushedImage> {
  const kind = options.kind ?? "sig";
  const tag = cosignTag(subjectDigest, kind);
  const payload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { "docker-reference": repo },
        image: { "docker-manifest-digest": subjectDigest },
        type: `cosign container image ${kind}`,
      },
      optional: null,
    }),
  );
  const created = "0001-01-01T00:00:00Z";
  const config = Buffer.from(
    JSON.stringify({
      architecture: "",
      os: "",
      created,
      config: {},
      rootfs: { type: "layers", diff_ids: [sha256Digest(payload)] },
    }),
  );
  const configDigest = sha256Digest(config);
  const { mediaType: layerType, annotations } = layerByKind[kind];
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: configDigest, size: config.length },
      layers: [{ mediaType: layerType, digest: sha256Digest(payload), size: payload.length, annotations }],
    }),
  );
  const client = createPushClient(target);
  await client.uploadBlob(repo, config);
  await client.uploadBlob(repo, payload);
  const digest = await client.putManifest(repo, tag, manifest, mediaTypes.ociManifest);
  return {
    repo,
    tag,
    digest,
    mediaType: mediaTypes.ociManifest,
    manifest,
    manifestLength: manifest.length,
    size: config.length + payload.length,
    configDigest,
    created,
    platform: { os: "", architecture: "" },
  };
}
