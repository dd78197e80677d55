import { type KeyObject, sign } from "node:crypto";
import { sha256Digest } from "./digest.js";
import type { PushedImage } from "./image-fixtures.js";
import { mediaTypes } from "./media-types.js";
import { createPushClient, type PushTarget } from "./oci-push.js";
import type { SigningKeyPair } from "./signing-keys.js";

export const cosignKinds = ["sig", "att", "sbom"] as const;
export type CosignKind = (typeof cosignKinds)[number];

/** cosign's names (specs/SIGNATURE_SPEC.md; pkg/oci/static/signature.go; sigstore's payload package). */
export const cosignLayout = {
  signatureAnnotation: "dev.cosignproject.cosign/signature",
  signatureType: "cosign container image signature",
} as const;

const layerByKind = {
  sig: { mediaType: mediaTypes.cosignSimpleSigning },
  att: {
    mediaType: mediaTypes.dsseEnvelope,
    annotations: { predicateType: "https://slsa.dev/provenance/v0.2" },
  },
  sbom: { mediaType: mediaTypes.spdxJson },
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

export interface CosignSignatureOptions {
  kind?: CosignKind;
  /** Sign the payload as `cosign sign --key` does; without a key the signature is a placeholder. */
  key?: SigningKeyPair;
  /** The digest the payload names (default the subject): another one plays a signature moved over. */
  payloadDigest?: string;
  /** The annotation's value instead of the real signature (a corrupt one). */
  signatureText?: string;
  /** `docker-reference` in the payload; cosign writes the repository it signed (`host/repo`). */
  dockerReference?: string;
}

/**
 * Pushes a cosign artifact for `subjectDigest` under its `sha256-<hex>.<kind>` tag, laid out
 * byte for byte as cosign 2 writes a `.sig` (go-containerregistry's field order): an OCI manifest
 * whose config is the empty image config cosign's `mutate.Append` leaves, and one layer per
 * signature, the simple-signing payload blob
 * `{"critical":{"identity":{"docker-reference":...},"image":{"docker-manifest-digest":...},"type":"cosign container image signature"},"optional":null}`,
 * with `dev.cosignproject.cosign/signature`: base64 of the signature over the payload bytes
 * (ECDSA P-256 + SHA-256, ASN.1 DER; or Ed25519). A sync must skip these tags.
 *
 * @example
 * await pushCosignSignature(registry, "team/app", image.digest, { key: generateSigningKey() });
 * await pushCosignSignature(registry, "team/app", image.digest, { kind: "att" });
 */
export async function pushCosignSignature(
  target: PushTarget,
  repo: string,
  subjectDigest: string,
  options: CosignSignatureOptions = {},
): Promise<PushedImage> {
  const kind = options.kind ?? "sig";
  const tag = cosignTag(subjectDigest, kind);
  const payload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { "docker-reference": options.dockerReference ?? `${new URL(target.url).host}/${repo}` },
        image: { "docker-manifest-digest": options.payloadDigest ?? subjectDigest },
        type: cosignLayout.signatureType,
      },
      optional: null,
    }),
  );
  const signature =
    options.signatureText ??
    (options.key
      ? signPayload(payload, options.key.privateKey)
      : Buffer.from("not a real signature")
    ).toString("base64");
  const created = "0001-01-01T00:00:00Z";
  const config = Buffer.from(
    JSON.stringify({
      architecture: "",
      created,
      history: [{ created }],
      os: "",
      rootfs: { type: "layers", diff_ids: [sha256Digest(payload)] },
      config: {},
    }),
  );
  const configDigest = sha256Digest(config);
  const layer = layerByKind[kind];
  const annotations = {
    ...("annotations" in layer ? layer.annotations : {}),
    ...(kind === "sig" ? { [cosignLayout.signatureAnnotation]: signature } : {}),
  };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, size: config.length, digest: configDigest },
      layers: [
        { mediaType: layer.mediaType, size: payload.length, digest: sha256Digest(payload), annotations },
      ],
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

/** What cosign's signers produce: ECDSA over SHA-256 of the message (DER), or pure Ed25519. */
export function signPayload(payload: Buffer, privateKey: KeyObject): Buffer {
  const algorithm = privateKey.asymmetricKeyType === "ed25519" ? null : "sha256";
  return sign(algorithm, payload, { key: privateKey, dsaEncoding: "der" });
}
