/** How to reach one SSH server. The secret is decrypted only to be handed to the connection. */
export interface SshTarget {
  host: string;
  port: number;
  username: string;
  /** A private key (OpenSSH or PEM text) or a password, as the store's ServerAuth holds it. */
  auth: { kind: "key"; secret: string; passphrase?: string } | { kind: "password"; secret: string };
  /** The pinned host key, `SHA256:<base64 without padding>`; any other key is refused. */
  hostKeyFingerprint: string;
}

export interface SshTimeouts {
  /** TCP connect plus SSH handshake plus authentication. Default 20 s. */
  readyTimeoutMs?: number;
  /** SSH keepalive period; a dead server is noticed after 3 unanswered ones. Default 10 s. */
  keepaliveIntervalMs?: number;
}

export const DEFAULT_READY_TIMEOUT_MS = 20_000;
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 10_000;
export const KEEPALIVE_COUNT_MAX = 3;

/** `user@host:port`, for messages. */
export function describeTarget(target: Pick<SshTarget, "host" | "port" | "username">): string {
  return `${target.username}@${target.host}:${target.port}`;
}
