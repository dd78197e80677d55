import { z } from "@hono/zod-openapi";

// Control characters (C0, DEL, C1), unpaired surrogates and the two Unicode line separators.
// SQLite's text binding ends a value at NUL and a lone surrogate turns into U+FFFD, so either
// would be stored as something other than what was sent; the rest break headers and log lines.
const NOT_PLAIN = /[\p{Cc}\p{Cs}\u2028\u2029]/u;
// The same, but line breaks and tabs are part of the value (a JSON key file).
const NOT_PLAIN_LINES = /[\p{Cs}\u2028\u2029]|(?![\t\n\r])\p{Cc}/u;

// Aborting: later checks would quote the refused text back in their messages.
const PLAIN = {
  message: "text without control characters (NUL, line breaks, tabs) or unpaired surrogates",
  abort: true,
};

/**
 * Whether `value` is text a person typed on one line: no control character, no unpaired
 * surrogate.
 *
 * @example
 * isPlainText("staging") // => true
 * isPlainText("a\u0000b") // => false
 */
export const isPlainText = (value: string): boolean => !NOT_PLAIN.test(value);

/** One line of free text, at most `max` characters, kept as sent. */
export const plainText = (max: number) => z.string().refine(isPlainText, PLAIN).max(max);

/**
 * A name: plain text (checked before trimming, so a trailing line break is refused rather than
 * cut off), trimmed, 1 to `max` characters.
 *
 * @example
 * const Input = z.object({ name: nameText(100) });
 */
export const nameText = (max = 100) => z.string().refine(isPlainText, PLAIN).trim().min(1).max(max);

/**
 * A credential that is sent in an HTTP header or to `docker login`: a control character there
 * would end the header or the prompt answer early, or smuggle in another one.
 */
export const headerSafe = (field: z.ZodString) =>
  field.refine(isPlainText, {
    message: "a value without control characters (it is sent in HTTP headers and to docker login)",
    abort: true,
  });

/** Multi-line text (a key file): line breaks and tabs allowed, other control characters not. */
export const multilineText = (field: z.ZodString) =>
  field.refine((value) => !NOT_PLAIN_LINES.test(value), {
    message: "text without control characters other than line breaks and tabs",
    abort: true,
  });
