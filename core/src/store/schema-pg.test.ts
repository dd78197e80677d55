import { Column, getTableColumns, getTableName, is, SQL, StringChunk, type Table } from "drizzle-orm";
import { getTableConfig as pgTableConfig } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type StoreTables, storeTables } from "./schema/tables.js";
import { type PgStoreTables, pgStoreTables } from "./schema-pg/tables.js";

// The two table definitions must not drift: the repositories are typed against the SQLite one
// and run unchanged on the PostgreSQL one (pg/shared-types.ts).
type Rows<T> = {
  [K in keyof T]: T[K] extends { $inferSelect: infer S; $inferInsert: infer I }
    ? { select: S; insert: I }
    : never;
};

type TableKey = keyof StoreTables;
const KEYS = Object.keys(storeTables) as TableKey[];

/** Index or key columns as text: `name`, `name desc` or an expression such as `lower(name)`. */
const names = (columns: readonly unknown[]) => columns.map(columnText);

function columnText(column: unknown): string {
  if (is(column, SQL)) return column.queryChunks.map(columnText).join("").trim();
  if (is(column, StringChunk)) return column.value.join("");
  if (is(column, Column)) return column.name;
  // pg-core's IndexedColumn: a name and its order.
  const indexed = column as { name?: string; indexConfig?: { order?: string } };
  return `${indexed.name}${indexed.indexConfig?.order === "desc" ? " desc" : ""}`;
}

/** What both engines must agree on, per column. */
function columnFacts(table: Table) {
  return Object.entries(getTableColumns(table)).map(([key, column]) => ({
    key,
    name: column.name,
    dataType: column.dataType,
    enumValues: column.enumValues,
    notNull: column.notNull,
    primary: column.primary,
    isUnique: column.isUnique,
    default: column.default,
  }));
}

/** Indexes, uniques, checks, keys and foreign keys, by name, from either engine's table config. */
function constraintFacts(config: ReturnType<typeof sqliteTableConfig> | ReturnType<typeof pgTableConfig>) {
  const by = <T extends { name: string | undefined }>(list: T[]) =>
    [...list].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return {
    name: config.name,
    indexes: by(
      config.indexes.map((index) => ({
        name: index.config.name,
        unique: index.config.unique ?? false,
        columns: names(index.config.columns),
        partial: index.config.where !== undefined,
      })),
    ),
    uniques: by(config.uniqueConstraints.map((u) => ({ name: u.getName(), columns: names(u.columns) }))),
    checks: by(config.checks.map((check) => ({ name: check.name }))),
    primaryKeys: by(config.primaryKeys.map((key) => ({ name: key.getName(), columns: names(key.columns) }))),
    foreignKeys: by(
      config.foreignKeys.map((fk) => {
        const reference = fk.reference();
        return {
          name: fk.getName(),
          columns: names(reference.columns),
          foreignTable: getTableName(reference.foreignTable),
          foreignColumns: names(reference.foreignColumns),
          onDelete: fk.onDelete ?? "no action",
        };
      }),
    ),
  };
}

describe("the PostgreSQL tables (schema-pg/) against the SQLite ones (schema/)", () => {
  it("are the same tables under the same names, in the same order, with the same row types", () => {
    expectTypeOf<Rows<PgStoreTables>>().toEqualTypeOf<Rows<StoreTables>>();
    expect(Object.keys(pgStoreTables)).toEqual(KEYS);
  });

  it.each(KEYS)("%s: the same columns (names, types, nullability, defaults)", (key) => {
    expect(columnFacts(pgStoreTables[key])).toEqual(columnFacts(storeTables[key]));
  });

  it.each(KEYS)("%s: the same indexes, uniques, checks, keys and foreign keys", (key) => {
    const pg = constraintFacts(pgTableConfig(pgStoreTables[key]));
    expect(pg).toEqual(constraintFacts(sqliteTableConfig(storeTables[key])));
  });
});
