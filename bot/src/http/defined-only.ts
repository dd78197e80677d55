/**
 * Drops keys whose value is undefined: zod's optional output allows them, the store's
 * exactOptionalPropertyTypes inputs do not.
 */
export function definedOnly<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}

/** `T` with undefined removed from every property's type, optional keys kept optional. */
export type Defined<T> = { [K in keyof T]: Exclude<T[K], undefined> };
