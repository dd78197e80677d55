import { createHash } from "node:crypto";

/**
 * The OCI digest of some bytes.
 *
 * @example
 * sha256Digest(Buffer.from("")); // "sha256:e3b0c442..."
 */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}
