import type { Database } from "../store/database.js";
import { type Cipher, CURRENT_ENVELOPE, envelopeHeader } from "./cipher.js";
import { rewriteStoredSecrets } from "./stored-secrets.js";

/**
 * Rewrites every bp1 value (bound to nothing: a copy decrypted in any row) as bp2, bound to its
 * table, row and field, in one transaction. Idempotent: once done, it finds nothing to do and
 * writes nothing. A value it cannot read under `cipher` (another key, altered) stops it with a
 * CryptoError, and nothing is changed.
 *
 * @example
 * await upgradeStoredSecrets(database, cipher); // { upgraded: 3 }, then { upgraded: 0 }
 */
export async function upgradeStoredSecrets(
  database: Database,
  cipher: Cipher,
): Promise<{ upgraded: number }> {
  let upgraded = 0;
  await rewriteStoredSecrets(database, ({ envelope, at }) => {
    if (envelopeHeader(envelope)?.version === CURRENT_ENVELOPE) return undefined;
    upgraded++;
    return cipher.encrypt(cipher.decryptAnyVersion(envelope, at), at);
  });
  return { upgraded };
}
