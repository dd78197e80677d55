import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parsePublicKey } from "./public-key.js";

const pem = (key: { export(o: object): string | Buffer }) =>
  key.export({ type: "spki", format: "pem" }).toString();

describe("parsePublicKey", () => {
  it.each([
    [
      "ECDSA P-256 (cosign generate-key-pair)",
      generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey,
      "ecdsa-p256",
    ],
    ["Ed25519", generateKeyPairSync("ed25519").publicKey, "ed25519"],
  ])("accepts %s with its SPKI SHA-256 fingerprint", (_, key, algorithm) => {
    const parsed = parsePublicKey(`\n${pem(key)}\n`);
    expect(parsed).toMatchObject({ ok: true, algorithm });
    if (parsed.ok) expect(parsed.fingerprint).toMatch(/^[a-f0-9]{64}$/);
  });

  const p384 = pem(generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey);
  const rsa = pem(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey);
  const priv = generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
  it.each([
    ["a private key", priv, "never paste the private key"],
    ["P-384", p384, "must be an ECDSA P-256 or Ed25519 key"],
    ["RSA", rsa, "must be an ECDSA P-256 or Ed25519 key"],
    [
      "garbage in a PEM frame",
      "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
      "not a readable PEM",
    ],
    ["two keys", `${p384}${p384}`, "must be one PEM public key"],
  ])("refuses %s, saying why", (_, text, problem) => {
    const parsed = parsePublicKey(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(problem);
  });
});
