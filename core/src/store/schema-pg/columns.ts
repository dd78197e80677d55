import { sql } from "drizzle-orm";
import { check, type PgColumn, timestamp as pgTimestamp } from "drizzle-orm/pg-core";
import { literalList } from "../schema/columns.js";

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

/** CHECK (column IN (...)) for a closed value list. */
export function oneOf(name: string, column: PgColumn, values: readonly string[]) {
  return check(name, sql`${column} IN (${literalList(values)})`);
}

/** CHECK for an optional column: NULL or one of the values. */
export function nullOrOneOf(name: string, column: PgColumn, values: readonly string[]) {
  return check(name, sql`${column} IS NULL OR ${column} IN (${literalList(values)})`);
}
