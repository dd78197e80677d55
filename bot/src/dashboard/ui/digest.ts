import { html } from "hono/html";

/** A digest shortened to what people compare (`sha256:` and 12 hex), the whole one on hover. */
export function ShortDigest(props: { digest: string | null }) {
  if (props.digest === null) return html`<span class="muted">none</span>`;
  const [algorithm, hex = ""] = props.digest.split(":");
  return html`<code class="digest" title="${props.digest}">${algorithm}:${hex.slice(0, 12)}</code>`;
}
