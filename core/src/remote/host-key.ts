import { createHash } from "node:crypto";

const FINGERPRINT_RE = /^SHA256:[A-Za-z0-9+/]{43}$/;

/**
 * The OpenSSH fingerprint of a host key blob (the key as it travels in the handshake):
 * `SHA256:` and the unpadded base64 of its SHA-256, as `ssh-keygen -lf` prints it.
 *
 * @example
 * hostKeyFingerprint(blob) // => "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"
 */
export function hostKeyFingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/**
 * Whether a pinned value has the `SHA256:<43 base64 characters>` form.
 *
 * @example
 * isHostKeyFingerprint("SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s") // => true
 * isHostKeyFingerprint("MD5:12:34")                                          // => false
 */
export function isHostKeyFingerprint(value: string): boolean {
  return FINGERPRINT_RE.test(value);
}

/** The message for a host that presents another key than the one pinned for it. */
export function hostKeyMismatchMessage(where: string, pinned: string, presented: string): string {
  return (
    `SSH host key mismatch for ${where}: pinned ${pinned}, but the server presented ${presented}. ` +
    "The connection was refused. If the server's host key was changed on purpose, check the new key " +
    "on the server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and re-pin it by setting the " +
    `server's hostKeyFingerprint to ${presented}; otherwise treat this as a possible interception.`
  );
}
