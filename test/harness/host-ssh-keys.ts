import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";

export interface SshKeyPair {
  /** Unencrypted `-----BEGIN OPENSSH PRIVATE KEY-----` text, as `ssh-keygen -N ''` writes it. */
  privateKey: string;
  /** One authorized_keys line: `ssh-ed25519 AAAA... comment`. */
  publicKey: string;
  /** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

/**
 * Makes an ed25519 key pair in OpenSSH formats without running ssh-keygen.
 *
 * @example
 * const { privateKey, publicKey } = generateSshKeyPair("bridgeport-test");
 */
export function generateSshKeyPair(comment: string): SshKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pub = base64UrlBytes(publicKey.export({ format: "jwk" }).x);
  const seed = base64UrlBytes(privateKey.export({ format: "jwk" }).d);
  const blob = Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]);
  return {
    privateKey: openSshPrivateKey(blob, pub, seed, comment),
    publicKey: `ssh-ed25519 ${blob.toString("base64")} ${comment}`,
    fingerprint: fingerprintOfBlob(blob),
  };
}

/** Fingerprint of a public key blob (the wire form, as an SSH client receives a host key). */
export function fingerprintOfBlob(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Fingerprint of an authorized_keys / known_hosts style line `type base64 [comment]`. */
export function fingerprintOfPublicKey(line: string): string {
  const encoded = line.trim().split(/\s+/)[1];
  if (encoded === undefined) throw new Error("not an OpenSSH public key line");
  return fingerprintOfBlob(Buffer.from(encoded, "base64"));
}

// The "openssh-key-v1" container (PROTOCOL.key in OpenSSH), cipher "none".
function openSshPrivateKey(blob: Buffer, pub: Buffer, seed: Buffer, comment: string): string {
  const check = randomBytes(4);
  const secret = Buffer.concat([
    check,
    check,
    sshString("ssh-ed25519"),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const padLength = (8 - (secret.length % 8)) % 8;
  const padding = Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1));
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "latin1"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    uint32(1),
    sshString(blob),
    sshString(Buffer.concat([secret, padding])),
  ]);
  const lines = body.toString("base64").match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

function base64UrlBytes(value: string | undefined): Buffer {
  if (value === undefined) throw new Error("ed25519 JWK export lacks a key component");
  return Buffer.from(value, "base64url");
}
