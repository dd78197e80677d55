import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hostKeyFingerprint, hostKeyMismatchMessage, isHostKeyFingerprint } from "./host-key.js";

describe("hostKeyFingerprint", () => {
  it("is SHA256: plus the unpadded base64 of the blob's digest, as ssh-keygen prints it", () => {
    const blob = Buffer.from("an ssh-ed25519 key blob");
    const expected = createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
    expect(hostKeyFingerprint(blob)).toBe(`SHA256:${expected}`);
    expect(isHostKeyFingerprint(hostKeyFingerprint(blob))).toBe(true);
  });

  it.each([
    "",
    "SHA256:",
    "MD5:aa:bb",
    `SHA256:${"A".repeat(42)}`,
    `SHA256:${"A".repeat(43)}=`,
    `sha256:${"A".repeat(43)}`,
  ])("rejects %j as a pinned fingerprint", (value) => {
    expect(isHostKeyFingerprint(value)).toBe(false);
  });

  it("names the host, both fingerprints and how to re-pin", () => {
    const message = hostKeyMismatchMessage("deploy@10.0.0.5:22", "SHA256:old", "SHA256:new");
    expect(message).toMatch(/deploy@10\.0\.0\.5:22/);
    expect(message).toMatch(/pinned SHA256:old/);
    expect(message).toMatch(/presented SHA256:new/);
    expect(message).toMatch(/re-pin .* hostKeyFingerprint to SHA256:new/);
  });
});
