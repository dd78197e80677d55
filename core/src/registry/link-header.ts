/**
 * The `rel="next"` target of a `Link` header, resolved against the request URL (registries
 * send it absolute or relative).
 *
 * @example
 * nextLink('</v2/app/tags/list?n=2&last=b>; rel="next"', new URL("https://r.example/v2/app/tags/list?n=2"))
 * // => URL "https://r.example/v2/app/tags/list?n=2&last=b"
 */
export function nextLink(header: string | undefined, base: URL): URL | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /(?:^|;)\s*rel="?next"?\s*(?:;|$)/i.test(match[2] ?? "")) {
      try {
        return new URL(match[1] ?? "", base);
      } catch {
        return null;
      }
    }
  }
  return null;
}
