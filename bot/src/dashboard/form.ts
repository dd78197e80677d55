import type { Context } from "hono";
import { readText } from "../http/request-body.js";

/** A posted form's fields (application/x-www-form-urlencoded), read bounded like every body. */
export type FormFields = URLSearchParams;

/** The form, or the 413 answer for a body over the limit. */
export async function readForm(c: Context): Promise<FormFields | Response> {
  const text = await readText(c);
  return text.ok ? new URLSearchParams(text.value) : text.response;
}

/** A text field as typed, or undefined when left empty (the API then applies its default). */
export function text(form: FormFields, name: string): string | undefined {
  const value = form.get(name);
  return value === null || value.trim() === "" ? undefined : value;
}

/** A field that clears a value when left empty (`null` in a PATCH). */
export const textOrNull = (form: FormFields, name: string): string | null => text(form, name) ?? null;

/** A checkbox: present means on. */
export const checked = (form: FormFields, name: string): boolean => form.get(name) !== null;

/**
 * A number field: a whole number becomes a number; anything else is passed on as typed, so the
 * API's refusal names the field.
 */
export function integer(form: FormFields, name: string): number | string | undefined {
  const value = text(form, name)?.trim();
  if (value === undefined) return undefined;
  return /^-?\d{1,15}$/.test(value) ? Number(value) : value;
}

/** Leaves out the undefined entries, so a JSON body carries only what was filled in. */
export function filled<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
