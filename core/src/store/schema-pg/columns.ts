import { type SQL, sql } from "drizzle-orm";
import { check, type PgColumn, timestamp as pgTimestamp } from "drizzle-orm/pg-core";

/**
 * A point in time with millisecond precision, read back as a Date: what the SQLite schema's
 * `timestamp_ms` integers hold, so both engines round-trip the same values.
 */
export function timestamp(name: string) {
  return pgTimestamp(name, { withTimezone: true, mode: "date", precision: 3 });
}

/** created_at and updated_at, both required; repositories set them from the store's clock. */
export function timestamps() {
  return {
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  };
}

/** CHECK (column IN (...)) for a closed value list (the values are constants from values.ts). */
export function oneOf(name: string, column: PgColumn, values: readonly string[]) {
  const list = values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", ");
  return check(name, sql`${column} IN (${sql.raw(list)})`);
}

/** CHECK for an optional column: NULL or one of the values. */
export function nullOrOneOf(name: string, column: PgColumn, values: readonly string[]) {
  const list = values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", ");
  const condition: SQL = sql`${column} IS NULL OR ${column} IN (${sql.raw(list)})`;
  return check(name, condition);
}
