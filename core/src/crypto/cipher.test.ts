import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCipher, envelopeKeyId } from "./cipher.js";
import { CryptoError } from "./errors.js";

const key = randomBytes(32);
const cipher = createCipher(key);
const SECRET = "correct horse battery staple";

describe("createCipher", () => {
  it.each(["", SECRET, "päss wörd ✓ 🔑", "x".repeat(70_000)])("round-trips %j", (plaintext) => {
    expect(cipher.decrypt(cipher.encrypt(plaintext))).toBe(plaintext);
  });

  it("writes a versioned envelope carrying the key id, with a fresh IV each time", () => {
    const a = cipher.encrypt(SECRET);
    const b = cipher.encrypt(SECRET);
    expect(a).toMatch(/^bp1:[0-9a-f]{16}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{22}$/);
    expect(a).not.toBe(b);
    expect(a.split(":")[2]).not.toBe(b.split(":")[2]);
    expect(envelopeKeyId(a)).toBe(cipher.keyId);
    expect(a).not.toContain(SECRET);
  });

  it("derives the same key id from the same key and different ids from different keys", () => {
    expect(createCipher(Buffer.from(key)).keyId).toBe(cipher.keyId);
    expect(createCipher(randomBytes(32)).keyId).not.toBe(cipher.keyId);
    expect(cipher.keyId).not.toContain(key.toString("hex").slice(0, 16));
  });

  const flip = (envelope: string, part: number) => {
    const parts = envelope.split(":");
    const text = parts[part] ?? "";
    const bytes = Buffer.from(text, "base64url");
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    parts[part] = bytes.toString("base64url");
    return parts.join(":");
  };

  it.each([
    ["the IV", 2],
    ["the ciphertext", 3],
    ["the tag", 4],
  ])("refuses a value whose %s was altered, without quoting it", (_part, index) => {
    const altered = flip(cipher.encrypt(SECRET), index);
    expect(() => cipher.decrypt(altered)).toThrow(CryptoError);
    expect(() => cipher.decrypt(altered)).toThrow(/failed authentication/);
  });

  it("refuses a value relabelled with another key id", () => {
    const other = createCipher(randomBytes(32));
    const [, , ...rest] = cipher.encrypt(SECRET).split(":");
    const relabelled = ["bp1", other.keyId, ...rest].join(":");
    expect(() => other.decrypt(relabelled)).toThrow(/failed authentication/);
  });

  it("names both key ids when a value was written under another key", () => {
    const other = createCipher(randomBytes(32));
    const error = (() => {
      try {
        other.decrypt(cipher.encrypt(SECRET));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(CryptoError);
    expect(error?.message).toContain(cipher.keyId);
    expect(error?.message).toContain(other.keyId);
    expect(error?.message).not.toContain(SECRET);
  });

  it.each([SECRET, "bp1:zz:aa:bb:cc", "bp2:0123456789abcdef:AAAAAAAAAAAAAAAA::AAAAAAAAAAAAAAAAAAAAAA", ""])(
    "refuses %j as not an envelope, without quoting it",
    (text) => {
      expect(() => cipher.decrypt(text)).toThrow("A stored secret is not a bp1 envelope");
      expect(envelopeKeyId(text)).toBeUndefined();
    },
  );

  it.each([0, 16, 31, 33, 64])("refuses a %i-byte key", (length) => {
    expect(() => createCipher(randomBytes(length))).toThrow(
      `A master key must be 32 bytes; this one is ${length}`,
    );
  });
});
