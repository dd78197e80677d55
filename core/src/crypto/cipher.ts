import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { CryptoError } from "./errors.js";

/**
 * Where a stored secret lives, as the database names it. Its ciphertext is bound to it: copied
 * into another row, field or table, it does not decrypt.
 */
export interface SecretLocation {
  table: string;
  rowId: string;
  field: string;
}

/** Encrypts and decrypts the secrets the store keeps (registry credentials, SSH keys). */
export interface Cipher {
  /** Identifies the master key (not derived reversibly from it); written into every envelope. */
  readonly keyId: string;
  /** A bp2 envelope bound to `at`. */
  encrypt(plaintext: string, at: SecretLocation): string;
  /** The plaintext of a bp2 envelope read from `at`; anything else is a CryptoError. */
  decrypt(envelope: string, at: SecretLocation): string;
  /**
   * Like decrypt, and also reads bp1 envelopes, which are bound to no location: only for
   * rewriting them (the upgrade at start and the key rotation), never for using a secret.
   */
  decryptAnyVersion(envelope: string, at: SecretLocation): string;
}

// Envelope: "<version>:<key id>:<iv>:<ciphertext>:<tag>", binary parts base64url. The version
// prefix lets formats coexist; the key id lets rotation tell old values from new. bp1 (before
// ciphertexts were bound) authenticates the header only; bp2 the header and the location.
export const ENVELOPE_VERSIONS = ["bp1", "bp2"] as const;
export type EnvelopeVersion = (typeof ENVELOPE_VERSIONS)[number];
/** The version encrypt writes. */
export const CURRENT_ENVELOPE: EnvelopeVersion = "bp2";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * An AES-256-GCM cipher over a 32-byte master key. Each encryption uses a fresh random 12-byte
 * IV; the envelope header and the secret's location are authenticated too, so a value can be
 * neither relabelled nor moved.
 *
 * @example
 * const cipher = createCipher(masterKey);
 * const at = { table: "servers", rowId: server.id, field: "secret_ciphertext" };
 * const stored = cipher.encrypt(JSON.stringify({ password: "s3cret" }), at); // "bp2:6f1c...:..."
 * JSON.parse(cipher.decrypt(stored, at)); // { password: "s3cret" }
 */
export function createCipher(masterKey: Uint8Array): Cipher {
  if (masterKey.length !== KEY_BYTES) {
    throw new CryptoError(`A master key must be ${KEY_BYTES} bytes; this one is ${masterKey.length}`);
  }
  const key = Buffer.from(masterKey);
  const keyId = createHmac("sha256", key).update("bridgeport master key id").digest("hex").slice(0, 16);

  const open = (envelope: string, at: SecretLocation, versions: readonly EnvelopeVersion[]) => {
    const parts = parseEnvelope(envelope);
    if (!versions.includes(parts.version)) {
      throw new CryptoError(
        `A stored secret (${located(at)}) is a ${parts.version} value, not bound to its row: ` +
          "starting the bot upgrades every such value",
      );
    }
    if (parts.keyId !== keyId) {
      throw new CryptoError(
        `A stored secret (${located(at)}) was encrypted with master key ${parts.keyId}, but the current key is ${keyId}: ` +
          "start with the key it was written with, or finish the key rotation",
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, parts.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(parts.version, keyId, at));
      decipher.setAuthTag(parts.tag);
      return Buffer.concat([decipher.update(parts.body), decipher.final()]).toString("utf8");
    } catch {
      // Node's own message says nothing secret either, but keep ours the only one.
      throw new CryptoError(
        `A stored secret (${located(at)}) failed authentication: ` +
          "it is corrupted, was altered, or was copied from another row or field",
      );
    }
  };

  return {
    keyId,
    encrypt(plaintext, at) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(CURRENT_ENVELOPE, keyId, at));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [`${CURRENT_ENVELOPE}:${keyId}`, b64(iv), b64(body), b64(cipher.getAuthTag())].join(":");
    },
    decrypt: (envelope, at) => open(envelope, at, [CURRENT_ENVELOPE]),
    decryptAnyVersion: (envelope, at) => open(envelope, at, ENVELOPE_VERSIONS),
  };
}

/**
 * An envelope's version and key id, or undefined when the text is not an envelope.
 *
 * @example
 * envelopeHeader(cipher.encrypt("x", at)); // { version: "bp2", keyId: cipher.keyId }
 */
export function envelopeHeader(envelope: string): { version: EnvelopeVersion; keyId: string } | undefined {
  try {
    const { version, keyId } = parseEnvelope(envelope);
    return { version, keyId };
  } catch {
    return undefined;
  }
}

/**
 * What GCM authenticates besides the ciphertext. bp2: the header and the location as a JSON
 * array, so no two different locations can read the same (`"a","bc"` is not `"ab","c"`).
 */
function associatedData(version: EnvelopeVersion, keyId: string, at: SecretLocation): Buffer {
  const header = `${version}:${keyId}`;
  if (version === "bp1") return Buffer.from(header);
  return Buffer.from(JSON.stringify([header, at.table, at.rowId, at.field]));
}

function located(at: SecretLocation): string {
  return `${at.table}.${at.field} of row ${at.rowId}`;
}

// 12-byte IV = 16 base64url characters, 16-byte tag = 22.
const ENVELOPE = /^(bp[12]):([0-9a-f]{16}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]*):([A-Za-z0-9_-]{22})$/;

function parseEnvelope(envelope: string) {
  const match = ENVELOPE.exec(envelope);
  if (!match) throw new CryptoError(`A stored secret is not a ${ENVELOPE_VERSIONS.join(" or ")} envelope`);
  const [, version = "", keyId = "", iv = "", body = "", tag = ""] = match;
  return {
    version: version as EnvelopeVersion,
    keyId,
    iv: unb64(iv),
    body: unb64(body),
    tag: unb64(tag),
  };
}

function b64(bytes: Buffer): string {
  return bytes.toString("base64url");
}

function unb64(text: string): Buffer {
  return Buffer.from(text, "base64url");
}
