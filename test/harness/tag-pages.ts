/**
 * One page of a tag list as OCI Distribution defines it: tags in lexical order, at most `n`,
 * starting after `last`, with the `Link` value for the next page when more remain.
 * Registry 2.8 ignores `n` and `last` on /tags/list, so the fault proxy pages with this.
 *
 * @example
 * tagPage("app", ["b", "a", "c"], new URLSearchParams("n=2"));
 * // { tags: ["a", "b"], link: '</v2/app/tags/list?n=2&last=b>; rel="next"' }
 */
export function tagPage(
  repo: string,
  allTags: readonly string[],
  query: URLSearchParams,
): { tags: string[]; link: string | null } {
  const sorted = [...allTags].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const last = query.get("last");
  const start = last === null ? sorted : sorted.filter((tag) => tag > last);
  const nText = query.get("n");
  const n = nText === null ? Number.NaN : Number.parseInt(nText, 10);
  if (n === 0) return { tags: [], link: null };
  if (!(n > 0) || n >= start.length) return { tags: start, link: null };
  const tags = start.slice(0, n);
  const next = new URLSearchParams({ n: String(n), last: tags.at(-1) ?? "" });
  return { tags, link: `</v2/${repo}/tags/list?${next.toString()}>; rel="next"` };
}
