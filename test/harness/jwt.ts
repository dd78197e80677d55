import { createHash, type KeyObject, sign } from "node:crypto";

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32Alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * The key id docker/libtrust derives from a public key, which the distribution registry uses
 * to find the signing key of a token from its JWT `kid`: SHA-256 of the DER SPKI, first 30
 * bytes, base32, in 12 groups of 4 joined by ":".
 *
 * @example
 * libtrustKeyId(publicKey); // "ABCD:EFGH:...:WXYZ"
 */
export function libtrustKeyId(publicKey: KeyObject): string {
  const spki = publicKey.export({ type: "spki", format: "der" });
  const encoded = base32(createHash("sha256").update(spki).digest().subarray(0, 30));
  return encoded.match(/.{4}/g)?.join(":") ?? encoded;
}

/**
 * Signs a compact JWT with RS256.
 *
 * @example
 * signRs256Jwt({ kid }, { iss: "issuer", sub: "alice" }, privateKey);
 */
export function signRs256Jwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  privateKey: KeyObject,
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signingInput = `${encode({ typ: "JWT", alg: "RS256", ...header })}.${encode(claims)}`;
  const signature = sign("sha256", Buffer.from(signingInput), privateKey).toString("base64url");
  return `${signingInput}.${signature}`;
}
