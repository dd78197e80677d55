/** The parts of a request the origin rules read. */
export interface OriginRequest {
  url: string;
  header(name: string): string | undefined;
}

/**
 * The origin the browser sees this bot at: the request's own scheme and Host, or, behind a
 * trusted TLS-terminating proxy (TRUST_PROXY=on), the X-Forwarded-Proto and -Host it sets.
 *
 * @example
 * servedOrigin({ url: "http://127.0.0.1:3000/", header: () => undefined }, false) // => "http://127.0.0.1:3000"
 */
export function servedOrigin(request: OriginRequest, trustProxy: boolean): string {
  const url = new URL(request.url);
  const forwarded = (name: string) =>
    trustProxy ? request.header(name)?.split(",")[0]?.trim() || undefined : undefined;
  const scheme = forwarded("x-forwarded-proto") ?? url.protocol.replace(/:$/, "");
  const host = forwarded("x-forwarded-host") ?? request.header("host") ?? url.host;
  return `${scheme.toLowerCase()}://${host.toLowerCase()}`;
}

/** Whether the browser reached the bot over https (the session cookie is then Secure). */
export const servedOverHttps = (request: OriginRequest, trustProxy: boolean) =>
  servedOrigin(request, trustProxy).startsWith("https://");

/**
 * Why a form post must be refused as coming from another site, or null. A browser says where a
 * request comes from in Sec-Fetch-Site (same-origin only) and Origin (this bot's origin); a
 * post with neither did not come from one of the dashboard's pages.
 */
export function crossOriginProblem(request: OriginRequest, trustProxy: boolean): string | null {
  const site = request.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin") {
    return `This form was sent from another site (Sec-Fetch-Site: ${site}): only the dashboard's own pages may send it.`;
  }
  const origin = request.header("origin");
  if (origin === undefined) {
    return site === undefined
      ? "This form post says nothing of where it comes from (no Origin header): send it from the dashboard in a browser."
      : null;
  }
  const expected = servedOrigin(request, trustProxy);
  if (origin.toLowerCase() === expected) return null;
  const hint =
    !trustProxy && origin.startsWith("https://") && expected.startsWith("http://")
      ? " If a proxy in front of the bot serves https, start the bot with TRUST_PROXY=on."
      : "";
  return `This form was sent from ${origin}, not from the dashboard at ${expected}.${hint}`;
}
