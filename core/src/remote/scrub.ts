const MASK = "***";

/**
 * Masks every occurrence of each secret in `text`, plain and base64-encoded (the form auth
 * headers and docker's config carry it in), before the text goes into an error or a log.
 *
 * @example
 * scrubSecrets("denied for hunter2", ["hunter2"]) // => "denied for ***"
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  // Longest first, so a secret that contains another is masked whole.
  const forms = secrets
    .filter((secret) => secret.length > 0)
    .flatMap((secret) => {
      const bytes = Buffer.from(secret);
      return [secret, bytes.toString("base64"), bytes.toString("base64url")];
    })
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const form of forms) out = out.replaceAll(form, MASK);
  return out;
}
