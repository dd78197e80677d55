import type { Database } from "../store/database.js";
import { type Cipher, CURRENT_ENVELOPE, envelopeHeader } from "./cipher.js";
import { CryptoError } from "./errors.js";
import { rewriteStoredSecrets } from "./stored-secrets.js";

export interface RotationResult {
  /** Values decrypted with the old key and written back under the new one. */
  reencrypted: number;
  /** Values already under the new key (a rotation interrupted after its commit, run again). */
  alreadyCurrent: number;
}

/**
 * Re-encrypts every stored secret from `oldCipher`'s key to `newCipher`'s, in one
 * transaction: either every value moves or none does. Values already under the new key are
 * left alone, so running it twice is harmless; bp1 values (from before ciphertexts were bound
 * to their row) come out as bp2. Run it with the bot stopped: a running bot would go on writing
 * with the old key.
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
  await rewriteStoredSecrets(database, ({ envelope, at }) => {
    const header = envelopeHeader(envelope);
    if (header?.keyId === newCipher.keyId && header.version === CURRENT_ENVELOPE) {
      result.alreadyCurrent++;
      return undefined;
    }
    const from = [newCipher, oldCipher].find((cipher) => cipher.keyId === header?.keyId);
    if (from === undefined) {
      throw new CryptoError(
        `A stored secret is under master key ${header?.keyId ?? "(none)"}, neither the old key ${oldCipher.keyId} ` +
          `nor the new key ${newCipher.keyId}; nothing was changed`,
      );
    }
    result.reencrypted++;
    return newCipher.encrypt(from.decryptAnyVersion(envelope, at), at);
  });
  return result;
}
