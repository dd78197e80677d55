import { eq, getTableName, isNotNull } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Database } from "../store/database.js";
import type { Tx } from "../store/repositories/context.js";
import type { StoreTables } from "../store/schema/tables.js";
import type { SecretLocation } from "./cipher.js";

/**
 * The location a value of `column` in row `rowId` is bound to, named as in the database.
 *
 * @example
 * secretLocation(servers.secretCiphertext, server.id);
 * // { table: "servers", rowId: server.id, field: "secret_ciphertext" }
 */
export function secretLocation(column: SQLiteColumn, rowId: string): SecretLocation {
  return { table: getTableName(column.table), rowId, field: column.name };
}

// Every encrypted column, with the id column of its table. A new one belongs here: the upgrade
// and the key rotation walk this list (the rotation test scans the whole database for envelopes).
const encryptedColumns = ({ registryCredentials, servers, notificationChannels }: StoreTables) => [
  {
    rowId: registryCredentials.id,
    secret: registryCredentials.ciphertext,
    store: (tx: Tx, id: string, envelope: string) =>
      tx.update(registryCredentials).set({ ciphertext: envelope }).where(eq(registryCredentials.id, id)),
  },
  {
    rowId: servers.id,
    secret: servers.secretCiphertext,
    store: (tx: Tx, id: string, envelope: string) =>
      tx.update(servers).set({ secretCiphertext: envelope }).where(eq(servers.id, id)),
  },
  {
    rowId: notificationChannels.id,
    secret: notificationChannels.secretCiphertext,
    store: (tx: Tx, id: string, envelope: string) =>
      tx
        .update(notificationChannels)
        .set({ secretCiphertext: envelope })
        .where(eq(notificationChannels.id, id)),
  },
];

export interface StoredSecret {
  envelope: string;
  at: SecretLocation;
}

/**
 * Shows `next` every stored secret and writes back the envelopes it returns (undefined leaves a
 * value as it is), all in one transaction, on either engine: a throw from `next` changes nothing.
 *
 * @example
 * await rewriteStoredSecrets(database, ({ envelope, at }) => reencrypt(envelope, at));
 */
export async function rewriteStoredSecrets(
  database: Database,
  next: (secret: StoredSecret) => string | undefined,
): Promise<void> {
  await database.dialect.write(async (tx) => {
    for (const { rowId, secret, store } of encryptedColumns(database.tables)) {
      const rows = await tx
        .select({ id: rowId, envelope: secret })
        .from(secret.table)
        .where(isNotNull(secret));
      for (const { id, envelope } of rows) {
        if (envelope === null) continue;
        const rewritten = next({ envelope, at: secretLocation(secret, id) });
        if (rewritten !== undefined) await store(tx, id, rewritten);
      }
    }
  });
}
