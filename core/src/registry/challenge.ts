/** A parsed `WWW-Authenticate` challenge from a registry. */
export type AuthChallenge =
  | { scheme: "basic"; realm: string | null }
  | { scheme: "bearer"; realm: string; service: string | null; scope: string | null };

/**
 * Parses the first Basic or Bearer challenge of a `WWW-Authenticate` header.
 *
 * @example
 * parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"')
 * // => { scheme: "bearer", realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: null }
 */
export function parseChallenge(header: string | null | undefined): AuthChallenge | null {
  if (!header) return null;
  const match = /^\s*(basic|bearer)\b\s*(.*)$/i.exec(header);
  if (!match) return null;
  const params = parseParams(match[2] ?? "");
  if (match[1]?.toLowerCase() === "basic") return { scheme: "basic", realm: params.get("realm") ?? null };
  const realm = params.get("realm");
  if (!realm) return null;
  return {
    scheme: "bearer",
    realm,
    service: params.get("service") ?? null,
    scope: params.get("scope") ?? null,
  };
}

// auth-params: key=token or key="quoted string" with backslash escapes, comma separated.
function parseParams(input: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/g;
  for (const m of input.matchAll(re)) {
    const key = m[1]?.toLowerCase();
    if (key) params.set(key, m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? ""));
  }
  return params;
}
