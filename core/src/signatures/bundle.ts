import { type Bundle, bundleFromJSON } from "@sigstore/bundle";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { z } from "zod";
import { type Finding, wellFormed } from "./findings.js";
import type { TrustedKey } from "./trusted-keys.js";

/** Media types of Sigstore bundles (any version) and of the in-toto statement cosign signs. */
export const SIGSTORE = {
  bundleMediaTypePrefix: "application/vnd.dev.sigstore.bundle",
  inTotoPayloadType: "application/vnd.in-toto+json",
} as const;

// No transparency log, certificate authority or timestamp authority is reachable offline: the
// stored key is the whole trust, as `cosign verify --key` with the tlog ignored.
const OFFLINE_ROOT = {
  mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
} as unknown as Parameters<typeof toTrustMaterial>[0];
const THRESHOLDS = { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 } as const;

const statementSchema = z.object({
  subject: z.array(z.object({ digest: z.record(z.string(), z.string()) })).max(1000),
});

/**
 * Verifies a Sigstore bundle (as cosign 3 attaches one to an image) offline against the trusted
 * keys, with @sigstore/verify at thresholds 0: a DSSE envelope signed by one of `keys` whose
 * in-toto statement names `digest` as a subject. Transparency log entries and timestamps in the
 * bundle are left out, since nothing here could check them. Keyless (certificate) bundles are not
 * trusted: only stored keys are.
 *
 * @example
 * verifyBundle(JSON.parse(blob.toString()), "sha256:ab...", keys, "referrer sha256:cd...")
 * // => { status: "verified", kind: "bundle", key: { name: "ci", ... }, detail: "..." }
 */
export function verifyBundle(
  json: unknown,
  digest: string,
  keys: readonly TrustedKey[],
  where: string,
): Finding {
  const finding = (status: Finding["status"], detail: string, key: TrustedKey | null = null): Finding => ({
    status,
    kind: "bundle",
    key,
    detail,
  });
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch {
    return finding("malformed", `${where} is not a Sigstore bundle`);
  }
  if (bundle.content.$case !== "dsseEnvelope") {
    return finding(
      "malformed",
      `${where} is a message signature bundle; an image's bundle signs a DSSE statement`,
    );
  }
  if (bundle.verificationMaterial.content.$case !== "publicKey") {
    return finding(
      "untrusted",
      `${where} is a keyless (certificate) signature; only stored keys are trusted`,
    );
  }
  const offline: Bundle = {
    ...bundle,
    verificationMaterial: {
      ...bundle.verificationMaterial,
      tlogEntries: [],
      timestampVerificationData: undefined,
    },
  };
  const envelope = bundle.content.dsseEnvelope;
  const signer = keys.find((k) => verifies(offline, k));
  if (!signer) {
    const sig = envelope.signatures[0]?.sig;
    if (!sig || !wellFormed(sig)) {
      return finding("corrupt", `the signature in ${where} is corrupt (not an ECDSA or Ed25519 signature)`);
    }
    return finding("untrusted", `${where} is signed only by keys this environment does not trust`);
  }
  if (envelope.payloadType !== SIGSTORE.inTotoPayloadType) {
    return finding(
      "malformed",
      `${where} signs a ${envelope.payloadType.slice(0, 80)} payload, not an in-toto statement`,
      signer,
    );
  }
  const statement = statementSchema.safeParse(parseJson(envelope.payload));
  if (!statement.success)
    return finding("corrupt", `the statement signed in ${where} is not in-toto JSON`, signer);
  const subjects = statement.data.subject.flatMap((s) =>
    s.digest.sha256 ? [`sha256:${s.digest.sha256}`] : [],
  );
  if (!subjects.includes(digest)) {
    const other = subjects[0] ?? "no sha256 subject";
    return finding(
      "mismatch",
      `the bundle signed by key "${signer.name}" is for ${other.slice(0, 80)}, another digest`,
      signer,
    );
  }
  return finding("verified", `signed by key "${signer.name}" (Sigstore bundle, ${where})`, signer);
}

function verifies(bundle: Bundle, key: TrustedKey): boolean {
  const material = toTrustMaterial(OFFLINE_ROOT, () => ({ publicKey: key.key, validFor: () => true }));
  try {
    new Verifier(material, THRESHOLDS).verify(toSignedEntity(bundle));
    return true;
  } catch {
    return false;
  }
}

/** JSON from registry bytes; undefined when it is none (the schema then says what is wrong). */
export function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}
