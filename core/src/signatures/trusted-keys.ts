import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import type { SigningKey } from "../store/index.js";

/** A stored signing key ready to verify with. */
export interface TrustedKey {
  id: string;
  name: string;
  algorithm: SigningKey["algorithm"];
  fingerprint: string;
  key: KeyObject;
}

/** The environment's stored keys as verifiers (their PEM was checked when they were added). */
export function trustedKeys(rows: readonly SigningKey[]): TrustedKey[] {
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    algorithm: row.algorithm,
    fingerprint: row.fingerprint,
    key: createPublicKey(row.publicKeyPem),
  }));
}

/**
 * The identity of a set of trusted keys: a verification result holds only for the set it was
 * made with, so adding or removing a key makes every digest be checked again.
 *
 * @example
 * keySetId([{ fingerprint: "b2..." }, { fingerprint: "a1..." }]) === keySetId([{ fingerprint: "a1..." }, { fingerprint: "b2..." }]) // true
 */
export function keySetId(keys: readonly Pick<TrustedKey, "fingerprint">[]): string {
  const sorted = keys.map((k) => k.fingerprint).sort();
  return createHash("sha256").update(sorted.join("\n")).digest("hex").slice(0, 32);
}
