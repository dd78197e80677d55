import { createCipheriv, randomBytes } from "node:crypto";
import { createCipher } from "./cipher.js";

/**
 * A value as Bridgeport stored secrets before they were bound to their row: envelope bp1, whose
 * associated data is only its header (version and key id). For tests of the upgrade.
 */
export function bp1Envelope(masterKey: Uint8Array, plaintext: string): string {
  const header = `bp1:${createCipher(masterKey).keyId}`;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(header));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [header, iv, body, cipher.getAuthTag()]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(":");
}
