import { verify } from "node:crypto";
import { z } from "zod";
import type { ImageManifest } from "../registry/index.js";
import { type Finding, strictBase64, wellFormed } from "./findings.js";
import type { TrustedKey } from "./trusted-keys.js";

/** cosign's layout (specs/SIGNATURE_SPEC.md, pkg/oci/static): what a `.sig` manifest layer holds. */
export const COSIGN = {
  simpleSigningMediaType: "application/vnd.dev.cosign.simplesigning.v1+json",
  signatureAnnotation: "dev.cosignproject.cosign/signature",
  signatureType: "cosign container image signature",
} as const;

/** The simple-signing payload cosign signs (sigstore's payload.SimpleContainerImage). */
const payloadSchema = z.object({
  critical: z.object({
    identity: z.object({ "docker-reference": z.string() }),
    image: z.object({ "docker-manifest-digest": z.string() }),
    type: z.string(),
  }),
  optional: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** The simple-signing layers of a `.sig` manifest, to fetch their payload blobs. */
export function signatureLayers(manifest: ImageManifest): ImageManifest["layers"] {
  return manifest.layers.filter((l) => l.mediaType === COSIGN.simpleSigningMediaType).slice(0, 32);
}

/**
 * Checks each signature of a cosign `.sig` manifest (pure): the layer's annotation is a base64
 * signature over the payload blob's exact bytes (ECDSA P-256 with SHA-256, DER, as cosign signs;
 * or Ed25519), by one of `keys`; the payload is simple-signing JSON of type "cosign container
 * image signature" whose `critical.image.docker-manifest-digest` is `digest`. One finding per layer.
 *
 * @example
 * verifySimpleSigning(sigManifest, new Map([[layer.digest, payloadBytes]]), "sha256:ab...", keys, "sha256-ab....sig")
 * // => [{ status: "verified", kind: "cosign", key: { name: "ci", ... }, detail: "..." }]
 */
export function verifySimpleSigning(
  manifest: ImageManifest,
  payloads: ReadonlyMap<string, Buffer>,
  digest: string,
  keys: readonly TrustedKey[],
  tag: string,
): Finding[] {
  const layers = signatureLayers(manifest);
  const finding = (status: Finding["status"], detail: string, key: TrustedKey | null = null): Finding => ({
    status,
    kind: "cosign",
    key,
    detail,
  });
  if (layers.length === 0) {
    return [
      finding(
        "malformed",
        `${tag} is not a cosign signature (it has no ${COSIGN.simpleSigningMediaType} layer)`,
      ),
    ];
  }
  return layers.map((layer) => {
    const payload = payloads.get(layer.digest);
    const annotation = layer.annotations?.[COSIGN.signatureAnnotation];
    if (!payload) return finding("malformed", `${tag} names a payload blob the registry does not have`);
    if (annotation === undefined) {
      return finding(
        "malformed",
        `${tag} has a payload without its ${COSIGN.signatureAnnotation} annotation`,
      );
    }
    const signature = strictBase64(annotation);
    if (!signature || !wellFormed(signature)) {
      return finding(
        "corrupt",
        `the signature in ${tag} is corrupt (not a base64 ECDSA or Ed25519 signature)`,
      );
    }
    const signer = keys.find((k) =>
      verify(
        k.algorithm === "ed25519" ? null : "sha256",
        payload,
        { key: k.key, dsaEncoding: "der" },
        signature,
      ),
    );
    if (!signer) return finding("untrusted", `${tag} is signed only by keys this environment does not trust`);
    return judgePayload(payload, digest, signer, tag, finding);
  });
}

function judgePayload(
  payload: Buffer,
  digest: string,
  signer: TrustedKey,
  tag: string,
  finding: (status: Finding["status"], detail: string, key?: TrustedKey | null) => Finding,
): Finding {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString("utf8"));
  } catch {
    return finding("corrupt", `the payload signed in ${tag} is not JSON`, signer);
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success || parsed.data.critical.type !== COSIGN.signatureType) {
    return finding(
      "malformed",
      `the payload signed in ${tag} is not a cosign simple-signing payload`,
      signer,
    );
  }
  const signed = parsed.data.critical.image["docker-manifest-digest"];
  if (signed !== digest) {
    return finding(
      "mismatch",
      `the signature by key "${signer.name}" is for ${signed.slice(0, 80)}, another digest`,
      signer,
    );
  }
  return finding("verified", `signed by key "${signer.name}" (${tag})`, signer);
}
