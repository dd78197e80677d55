import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { CryptoError } from "./errors.js";

/** Encrypts and decrypts the secrets the store keeps (registry credentials, SSH keys). */
export interface Cipher {
  /** Identifies the master key (not derived reversibly from it); written into every envelope. */
  readonly keyId: string;
  encrypt(plaintext: string): string;
  decrypt(envelope: string): string;
}

// Envelope: "bp1:<key id>:<iv>:<ciphertext>:<tag>", binary parts base64url. The version
// prefix lets a later format coexist; the key id lets rotation tell old values from new.
const VERSION = "bp1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * An AES-256-GCM cipher over a 32-byte master key. Each encryption uses a fresh random
 * 12-byte IV; the envelope header is authenticated too, so a value cannot be relabelled.
 *
 * @example
 * const cipher = createCipher(masterKey);
 * const stored = cipher.encrypt(JSON.stringify({ password: "s3cret" })); // "bp1:6f1c...:..."
 * JSON.parse(cipher.decrypt(stored)); // { password: "s3cret" }
 */
export function createCipher(masterKey: Uint8Array): Cipher {
  if (masterKey.length !== KEY_BYTES) {
    throw new CryptoError(`A master key must be ${KEY_BYTES} bytes; this one is ${masterKey.length}`);
  }
  const key = Buffer.from(masterKey);
  const keyId = createHmac("sha256", key).update("bridgeport master key id").digest("hex").slice(0, 16);
  const header = `${VERSION}:${keyId}`;

  return {
    keyId,
    encrypt(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(header));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [header, b64(iv), b64(body), b64(cipher.getAuthTag())].join(":");
    },
    decrypt(envelope) {
      const parts = parseEnvelope(envelope);
      if (parts.keyId !== keyId) {
        throw new CryptoError(
          `A stored secret was encrypted with master key ${parts.keyId}, but the current key is ${keyId}: ` +
            "start with the key it was written with, or finish the key rotation",
        );
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, parts.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(header));
        decipher.setAuthTag(parts.tag);
        return Buffer.concat([decipher.update(parts.body), decipher.final()]).toString("utf8");
      } catch {
        // Node's own message says nothing secret either, but keep ours the only one.
        throw new CryptoError("A stored secret failed authentication: it is corrupted or was altered");
      }
    },
  };
}

/**
 * The key id an envelope was written with, or undefined when the text is not an envelope.
 *
 * @example
 * envelopeKeyId(cipher.encrypt("x")) === cipher.keyId; // true
 */
export function envelopeKeyId(envelope: string): string | undefined {
  try {
    return parseEnvelope(envelope).keyId;
  } catch {
    return undefined;
  }
}

// 12-byte IV = 16 base64url characters, 16-byte tag = 22.
const ENVELOPE = /^bp1:([0-9a-f]{16}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]*):([A-Za-z0-9_-]{22})$/;

function parseEnvelope(envelope: string): { keyId: string; iv: Buffer; body: Buffer; tag: Buffer } {
  const match = ENVELOPE.exec(envelope);
  if (!match) throw new CryptoError(`A stored secret is not a ${VERSION} envelope`);
  const [, keyId = "", iv = "", body = "", tag = ""] = match;
  return { keyId, iv: unb64(iv), body: unb64(body), tag: unb64(tag) };
}

function b64(bytes: Buffer): string {
  return bytes.toString("base64url");
}

function unb64(text: string): Buffer {
  return Buffer.from(text, "base64url");
}
