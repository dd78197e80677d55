import { describe, expect, it } from "vitest";
import { formatDigestReference, parseImageName, parseImageReference } from "./reference.js";

const D = `sha256:${"a".repeat(64)}`;

describe("parseImageReference", () => {
  it.each([
    ["nginx", "docker.io", "library/nginx", null, null],
    ["nginx:1.27", "docker.io", "library/nginx", "1.27", null],
    ["docker.io/nginx", "docker.io", "library/nginx", null, null],
    ["index.docker.io/library/nginx:latest", "docker.io", "library/nginx", "latest", null],
    ["registry-1.docker.io/team/app", "docker.io", "team/app", null, null],
    ["team/app:v1", "docker.io", "team/app", "v1", null],
    ["ghcr.io/org/app:v1.2.3", "ghcr.io", "org/app", "v1.2.3", null],
    ["localhost/app", "localhost", "app", null, null],
    [`127.0.0.1:5000/team/app@${D}`, "127.0.0.1:5000", "team/app", null, D],
    [`registry.example.com:443/a/b/c:tag@${D}`, "registry.example.com:443", "a/b/c", "tag", D],
    [
      "registry.digitalocean.com/my-registry/my-app",
      "registry.digitalocean.com",
      "my-registry/my-app",
      null,
      null,
    ],
  ])("%s", (input, registry, repository, tag, digest) => {
    expect(parseImageReference(input)).toEqual({ registry, repository, tag, digest });
  });

  it.each([
    "",
    "team/UPPER",
    "app:bad tag",
    "app;touch /tmp/pwned",
    "app:$(id)",
    "app@sha256:abc",
    "ex ample.com/app",
    `app:${"x".repeat(129)}`,
    "a//b",
    "-app",
    'app:"quoted"',
    "app\nrm",
  ])("rejects %j", (input) => {
    expect(() => parseImageReference(input)).toThrow();
  });

  it("normalises Docker Hub names in exactly one place", () => {
    expect(parseImageName("redis")).toEqual({ registry: "docker.io", repository: "library/redis" });
    expect(formatDigestReference(parseImageName("redis"), D)).toBe(`docker.io/library/redis@${D}`);
  });
});
