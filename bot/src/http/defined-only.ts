/**
 * Drops keys whose value is undefined: zod's optional output allows them, the store's
 * exactOptionalPropertyTypes inputs do not.
 */
export function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
