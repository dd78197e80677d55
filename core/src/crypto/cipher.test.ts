import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCipher, envelopeHeader, type SecretLocation } from "./cipher.js";
import { CryptoError } from "./errors.js";
import { bp1Envelope } from "./test-fixtures.js";

const key = randomBytes(32);
const cipher = createCipher(key);
const SECRET = "correct horse battery staple";
const at: SecretLocation = {
  table: "servers",
  rowId: "01kf3k7q2m8x4v9b6c1n5t0r2w",
  field: "secret_ciphertext",
};

/** The envelope with the first byte of one of its parts changed. */
function flip(envelope: string, part: number): string {
  const parts = envelope.split(":");
  const bytes = Buffer.from(parts[part] ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[part] = bytes.toString("base64url");
  return parts.join(":");
}

/** The error `fn` throws (the test fails when it throws none). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("nothing was thrown");
}

describe("createCipher", () => {
  it.each(["", SECRET, "päss wörd ✓ 🔑", "x".repeat(70_000)])("round-trips %j", (plaintext) => {
    expect(cipher.decrypt(cipher.encrypt(plaintext, at), at)).toBe(plaintext);
  });

  it("writes a versioned envelope carrying the key id, with a fresh IV each time", () => {
    const a = cipher.encrypt(SECRET, at);
    const b = cipher.encrypt(SECRET, at);
    expect(a).toMatch(/^bp2:[0-9a-f]{16}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{22}$/);
    expect(a).not.toBe(b);
    expect(a.split(":")[2]).not.toBe(b.split(":")[2]);
    expect(envelopeHeader(a)).toEqual({ version: "bp2", keyId: cipher.keyId });
    expect(a).not.toContain(SECRET);
    expect(a).not.toContain(at.rowId);
  });

  it("derives the same key id from the same key and different ids from different keys", () => {
    expect(createCipher(Buffer.from(key)).keyId).toBe(cipher.keyId);
    expect(createCipher(randomBytes(32)).keyId).not.toBe(cipher.keyId);
    expect(cipher.keyId).not.toContain(key.toString("hex").slice(0, 16));
  });

  it.each([
    ["another row", { ...at, rowId: "01kf3k7q2m8x4v9b6c1n5t0r2x" }],
    ["another table", { ...at, table: "registry_credentials" }],
    ["another field", { ...at, field: "ciphertext" }],
    ["names run together differently", { table: "server", rowId: `s${at.rowId}`, field: at.field }],
  ])("refuses a value read from %s, naming where it was read", (_where, elsewhere) => {
    const error = thrown(() => cipher.decrypt(cipher.encrypt(SECRET, at), elsewhere));
    expect(error).toBeInstanceOf(CryptoError);
    expect(error.message).toBe(
      `A stored secret (${elsewhere.table}.${elsewhere.field} of row ${elsewhere.rowId}) failed authentication: ` +
        "it is corrupted, was altered, or was copied from another row or field",
    );
  });

  it.each([
    ["the IV", 2],
    ["the ciphertext", 3],
    ["the tag", 4],
  ])("refuses a value whose %s was altered, without quoting it", (_part, index) => {
    const altered = flip(cipher.encrypt(SECRET, at), index);
    expect(() => cipher.decrypt(altered, at)).toThrow(CryptoError);
    expect(() => cipher.decrypt(altered, at)).toThrow(/failed authentication/);
  });

  it("refuses a value relabelled with another key id", () => {
    const other = createCipher(randomBytes(32));
    const [, , ...rest] = cipher.encrypt(SECRET, at).split(":");
    const relabelled = ["bp2", other.keyId, ...rest].join(":");
    expect(() => other.decrypt(relabelled, at)).toThrow(/failed authentication/);
  });

  it("names both key ids when a value was written under another key", () => {
    const other = createCipher(randomBytes(32));
    const error = thrown(() => other.decrypt(cipher.encrypt(SECRET, at), at));
    expect(error).toBeInstanceOf(CryptoError);
    expect(error.message).toContain(cipher.keyId);
    expect(error.message).toContain(other.keyId);
    expect(error.message).not.toContain(SECRET);
  });

  it.each([SECRET, "bp1:zz:aa:bb:cc", "bp3:0123456789abcdef:AAAAAAAAAAAAAAAA::AAAAAAAAAAAAAAAAAAAAAA", ""])(
    "refuses %j as not an envelope, without quoting it",
    (text) => {
      expect(() => cipher.decrypt(text, at)).toThrow("A stored secret is not a bp1 or bp2 envelope");
      expect(envelopeHeader(text)).toBeUndefined();
    },
  );

  it.each([0, 16, 31, 33, 64])("refuses a %i-byte key", (length) => {
    expect(() => createCipher(randomBytes(length))).toThrow(
      `A master key must be 32 bytes; this one is ${length}`,
    );
  });
});

describe("bp1 values, from before ciphertexts were bound to their row", () => {
  const old = bp1Envelope(key, SECRET);

  it("are read only by decryptAnyVersion, which the upgrade and the key rotation use", () => {
    expect(envelopeHeader(old)).toEqual({ version: "bp1", keyId: cipher.keyId });
    expect(cipher.decryptAnyVersion(old, at)).toBe(SECRET);
    expect(cipher.decryptAnyVersion(cipher.encrypt(SECRET, at), at)).toBe(SECRET);
  });

  it("are refused by decrypt with a message that says what to do", () => {
    const error = thrown(() => cipher.decrypt(old, at));
    expect(error).toBeInstanceOf(CryptoError);
    expect(error.message).toBe(
      `A stored secret (servers.secret_ciphertext of row ${at.rowId}) is a bp1 value, not bound to its row: ` +
        "starting the bot upgrades every such value",
    );
  });

  it("still fail authentication when altered", () => {
    expect(() => cipher.decryptAnyVersion(flip(old, 3), at)).toThrow(/failed authentication/);
  });
});
