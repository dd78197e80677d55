import { getTableName, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Database } from "../store/database.js";
import { notificationChannels, registryCredentials, servers } from "../store/schema/index.js";
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
const ENCRYPTED_COLUMNS = [
  { rowId: registryCredentials.id, secret: registryCredentials.ciphertext },
  { rowId: servers.id, secret: servers.secretCiphertext },
  { rowId: notificationChannels.id, secret: notificationChannels.secretCiphertext },
] as const;

export interface StoredSecret {
  envelope: string;
  at: SecretLocation;
}

/**
 * Shows `next` every stored secret and writes back the envelopes it returns (undefined leaves a
 * value as it is), all in one transaction: a throw from `next` changes nothing.
 *
 * @example
 * await rewriteStoredSecrets(database, ({ envelope, at }) => reencrypt(envelope, at));
 */
export async function rewriteStoredSecrets(
  database: Database,
  next: (secret: StoredSecret) => string | undefined,
): Promise<void> {
  await database.db.transaction(async (tx) => {
    for (const { rowId, secret } of ENCRYPTED_COLUMNS) {
      const rows = await tx.all<{ id: string; envelope: string }>(
        sql`SELECT ${rowId} AS id, ${secret} AS envelope FROM ${secret.table} WHERE ${secret} IS NOT NULL`,
      );
      for (const { id, envelope } of rows) {
        const rewritten = next({ envelope, at: secretLocation(secret, id) });
        if (rewritten === undefined) continue;
        await tx.run(
          sql`UPDATE ${secret.table} SET ${sql.identifier(secret.name)} = ${rewritten} WHERE ${rowId} = ${id}`,
        );
      }
    }
  });
}
