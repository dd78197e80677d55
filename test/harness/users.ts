import { randomBytes } from "node:crypto";

export interface RegistryUser {
  username: string;
  password: string;
}

/**
 * A random password, different on every run, so nothing in the tree is a usable secret.
 *
 * @example
 * randomPassword(); // "p3VfL0..."
 */
export function randomPassword(): string {
  return randomBytes(18).toString("base64url");
}

/**
 * The users a registry gets when the caller names none: one, with a random password.
 *
 * @example
 * const [user] = defaultUsers();
 */
export function defaultUsers(): [RegistryUser] {
  return [{ username: "bridgeport", password: randomPassword() }];
}

/**
 * Reads `Authorization: Basic ...` into a user name and password, or null when absent or malformed.
 *
 * @example
 * parseBasicAuth("Basic YWxpY2U6c2VjcmV0"); // { username: "alice", password: "secret" }
 */
export function parseBasicAuth(header: string | undefined): RegistryUser | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
