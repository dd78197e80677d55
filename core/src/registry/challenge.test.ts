import { describe, expect, it } from "vitest";
import { parseChallenge } from "./challenge.js";
import { nextLink } from "./link-header.js";
import { parseRateLimitRemaining, parseRetryAfter } from "./retry-policy.js";

describe("parseChallenge", () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      {
        scheme: "bearer",
        realm: "https://auth.docker.io/token",
        service: "registry.docker.io",
        scope: "repository:library/nginx:pull",
      },
    ],
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull"',
      {
        scheme: "bearer",
        realm: "https://ghcr.io/token",
        service: "ghcr.io",
        scope: "repository:user/image:pull",
      },
    ],
    [
      'bearer realm="https://quay.io/v2/auth",service="quay.io"',
      { scheme: "bearer", realm: "https://quay.io/v2/auth", service: "quay.io", scope: null },
    ],
    ['Basic realm="Registry Realm"', { scheme: "basic", realm: "Registry Realm" }],
    ["Basic", { scheme: "basic", realm: null }],
    [
      'Bearer realm="https://x/token",scope="repository:a:pull,push"',
      { scheme: "bearer", realm: "https://x/token", service: null, scope: "repository:a:pull,push" },
    ],
  ])("%s", (header, expected) => {
    expect(parseChallenge(header)).toEqual(expected);
  });

  it.each([undefined, "", "Negotiate abc", 'Bearer service="x"'])("gives null for %j", (header) => {
    expect(parseChallenge(header)).toBeNull();
  });
});

describe("nextLink", () => {
  const base = new URL("http://127.0.0.1:5000/v2/app/tags/list?n=2");
  it.each([
    ['</v2/app/tags/list?last=b&n=2>; rel="next"', "http://127.0.0.1:5000/v2/app/tags/list?last=b&n=2"],
    [
      '<http://127.0.0.1:5000/v2/app/tags/list?last=b&n=2>; rel="next"',
      "http://127.0.0.1:5000/v2/app/tags/list?last=b&n=2",
    ],
    ["<tags/list?last=c>; rel=next", "http://127.0.0.1:5000/v2/app/tags/tags/list?last=c"],
    [
      '</prev>; rel="prev", </v2/app/tags/list?last=z>; rel="next"',
      "http://127.0.0.1:5000/v2/app/tags/list?last=z",
    ],
  ])("%s", (header, expected) => {
    expect(nextLink(header, base)?.href).toBe(expected);
  });
  it("gives null without a next relation", () => {
    expect(nextLink('</x>; rel="prev"', base)).toBeNull();
    expect(nextLink(undefined, base)).toBeNull();
  });
});

describe("Retry-After and rate-limit headers", () => {
  it.each([
    ["2", 0, 2000],
    [" 10 ", 0, 10_000],
    ["Wed, 21 Oct 2015 07:28:05 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"), 5000],
    ["soon", 0, null],
    [undefined, 0, null],
  ])("Retry-After %j", (value, now, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
  it("reads Docker Hub's ratelimit-remaining", () => {
    expect(parseRateLimitRemaining("76;w=21600")).toBe(76);
    expect(parseRateLimitRemaining(undefined)).toBeNull();
  });
});
