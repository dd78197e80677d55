import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import type { SigningKeyAlgorithm } from "../store/index.js";
import { parsePublicKey } from "./public-key.js";
import type { TrustedKey } from "./trusted-keys.js";

/** A key pair for unit tests: its private half, and its public half as a trusted key. */
export function testKey(name: string, algorithm: SigningKeyAlgorithm = "ecdsa-p256") {
  const pair =
    algorithm === "ed25519"
      ? generateKeyPairSync("ed25519")
      : generateKeyPairSync("ec", { namedCurve: "P-256" });
  const parsed = parsePublicKey(pair.publicKey.export({ type: "spki", format: "pem" }).toString());
  if (!parsed.ok) throw new Error(parsed.problem);
  const trusted: TrustedKey = {
    id: `key-${name}`,
    name,
    algorithm,
    fingerprint: parsed.fingerprint,
    key: parsed.key,
  };
  return {
    trusted,
    privateKey: pair.privateKey,
    pem: parsed.pem,
    sign: (data: Buffer) => signWith(pair.privateKey, data),
  };
}

/** As cosign signs: ECDSA over SHA-256 (DER) or pure Ed25519. */
export function signWith(privateKey: KeyObject, data: Buffer): Buffer {
  return sign(privateKey.asymmetricKeyType === "ed25519" ? null : "sha256", data, privateKey);
}
