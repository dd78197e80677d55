import { eq, isNotNull } from "drizzle-orm";
import type { Database } from "../store/database.js";
import { registryCredentials, servers } from "../store/schema/index.js";
import type { Cipher } from "./cipher.js";
import { envelopeKeyId } from "./cipher.js";
import { CryptoError } from "./errors.js";

export interface RotationResult {
  /** Values decrypted with the old key and written back under the new one. */
  reencrypted: number;
  /** Values already under the new key (a rotation interrupted after its commit, run again). */
  alreadyCurrent: number;
}

/**
 * Re-encrypts every stored secret from `oldCipher`'s key to `newCipher`'s, in one
 * transaction: either every value moves or none does. Values already under the new key are
 * left alone, so running it twice is harmless. Run it with the bot stopped: a running bot
 * would go on writing with the old key.
 *
 * @example
 * const result = await rotateMasterKey(database, createCipher(oldKey), createCipher(newKey));
 * // { reencrypted: 12, alreadyCurrent: 0 }
 */
export async function rotateMasterKey(
  database: Database,
  oldCipher: Cipher,
  newCipher: Cipher,
): Promise<RotationResult> {
  const result: RotationResult = { reencrypted: 0, alreadyCurrent: 0 };
  const rotate = (envelope: string): string | undefined => {
    const keyId = envelopeKeyId(envelope);
    if (keyId === newCipher.keyId) {
      result.alreadyCurrent++;
      return undefined;
    }
    if (keyId !== oldCipher.keyId) {
      throw new CryptoError(
        `A stored secret is under master key ${keyId ?? "(none)"}, neither the old key ${oldCipher.keyId} ` +
          `nor the new key ${newCipher.keyId}; nothing was changed`,
      );
    }
    result.reencrypted++;
    return newCipher.encrypt(oldCipher.decrypt(envelope));
  };

  await database.db.transaction(async (tx) => {
    // Every encrypted column in the schema; a new one must be added here too (the rotation
    // test scans the whole database for envelopes under the old key).
    const credentials = await tx
      .select({ id: registryCredentials.id, value: registryCredentials.ciphertext })
      .from(registryCredentials);
    for (const { id, value } of credentials) {
      const next = rotate(value);
      if (next !== undefined) {
        await tx.update(registryCredentials).set({ ciphertext: next }).where(eq(registryCredentials.id, id));
      }
    }
    const serverSecrets = await tx
      .select({ id: servers.id, value: servers.secretCiphertext })
      .from(servers)
      .where(isNotNull(servers.secretCiphertext));
    for (const { id, value } of serverSecrets) {
      const next = value === null ? undefined : rotate(value);
      if (next !== undefined) {
        await tx.update(servers).set({ secretCiphertext: next }).where(eq(servers.id, id));
      }
    }
  });
  return result;
}
