/** cosign's `.sig` tag and the referrers fallback tag: what a signature check looks for. */
const SIGNATURE_TAG = /^sha256-[a-f0-9]{64}(\.sig)?$/;
const MAX_REPOSITORIES = 2_000;

/**
 * Which signature tags each repository listed at its last sync (`sha256-<hex>.sig`, and the
 * referrers fallback `sha256-<hex>`), and which registries have no referrers API: hints that
 * let a signature check go straight to what exists. Only a hint: a signature pushed after the
 * listing is still found by asking, so a missing entry costs requests, never a wrong answer.
 */
export class SignatureTagIndex {
  readonly #tags = new Map<string, ReadonlySet<string>>();
  readonly #withoutReferrers = new Set<string>();

  /** Records a repository's complete tag listing (only its signature tags are kept). */
  remember(registry: string, repository: string, listed: Iterable<string>): void {
    const key = `${registry}/${repository}`;
    const tags = new Set<string>();
    for (const tag of listed) if (SIGNATURE_TAG.test(tag)) tags.add(tag);
    this.#tags.delete(key);
    if (this.#tags.size >= MAX_REPOSITORIES) {
      const oldest = this.#tags.keys().next().value;
      if (oldest !== undefined) this.#tags.delete(oldest);
    }
    this.#tags.set(key, tags);
  }

  /** Whether the last listing of the repository showed `tag`; undefined when never listed. */
  listed(registry: string, repository: string, tag: string): boolean | undefined {
    return this.#tags.get(`${registry}/${repository}`)?.has(tag);
  }

  /** A registry answered the referrers API with 404: ask it for the fallback tag from now on. */
  noReferrersApi(registry: string): void {
    this.#withoutReferrers.add(registry);
  }

  hasReferrersApi(registry: string): boolean {
    return !this.#withoutReferrers.has(registry);
  }
}
