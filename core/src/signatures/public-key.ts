import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import type { SigningKeyAlgorithm } from "../store/index.js";

export type ParsedPublicKey =
  | { ok: true; key: KeyObject; algorithm: SigningKeyAlgorithm; fingerprint: string; pem: string }
  | { ok: false; problem: string };

const PUBLIC_PEM = /^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\s*$/;

/**
 * Reads a signing key as `cosign generate-key-pair` writes `cosign.pub` (an SPKI PEM public key):
 * ECDSA P-256 or Ed25519. A private key, a certificate or another curve is refused with why.
 * The fingerprint is the SHA-256 of the DER SPKI, hex.
 *
 * @example
 * parsePublicKey(readFileSync("cosign.pub", "utf8"))
 * // => { ok: true, algorithm: "ecdsa-p256", fingerprint: "3b1f...", pem: "-----BEGIN PUBLIC KEY-----\n..." }
 */
export function parsePublicKey(text: string): ParsedPublicKey {
  const trimmed = text.trim();
  if (!PUBLIC_PEM.test(trimmed)) {
    return {
      ok: false,
      problem:
        "must be one PEM public key (-----BEGIN PUBLIC KEY-----, e.g. cosign.pub); never paste the private key",
    };
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: trimmed, format: "pem" });
  } catch {
    return { ok: false, problem: "is not a readable PEM public key" };
  }
  const algorithm = algorithmOf(key);
  if (!algorithm) {
    return {
      ok: false,
      problem: "must be an ECDSA P-256 or Ed25519 key (cosign generate-key-pair makes P-256)",
    };
  }
  const der = key.export({ type: "spki", format: "der" });
  return {
    ok: true,
    key,
    algorithm,
    fingerprint: createHash("sha256").update(der).digest("hex"),
    pem: key.export({ type: "spki", format: "pem" }).toString(),
  };
}

function algorithmOf(key: KeyObject): SigningKeyAlgorithm | null {
  if (key.asymmetricKeyType === "ed25519") return "ed25519";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1")
    return "ecdsa-p256";
  return null;
}
