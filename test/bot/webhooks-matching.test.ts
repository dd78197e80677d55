import type { ContainerImage } from "@bridgeport/core";
import { describe, expect, it } from "vitest";
import { matchImages } from "../../bot/src/webhooks/match-images.js";
import { toPush } from "../../bot/src/webhooks/push.js";
import { secretMatches } from "../../bot/src/webhooks/secret.js";

const digest = `sha256:${"a".repeat(64)}`;

describe("a pushed name as the receivers pass it on", () => {
  it.each([
    {
      name: "nginx",
      parts: { tag: "1.27" },
      push: { host: "docker.io", repository: "library/nginx", tag: "1.27", digest: null },
    },
    {
      name: "127.0.0.1:5000/team/app",
      parts: { tag: "latest", digest },
      push: { host: "127.0.0.1:5000", repository: "team/app", tag: "latest", digest },
    },
    {
      name: "my-repo",
      parts: { tag: "v1", anyHost: true },
      push: { host: null, repository: "my-repo", tag: "v1", digest: null },
    },
    {
      name: "quay.io/ns/app",
      parts: { tag: "-bad", digest: "sha256:short" },
      push: { host: "quay.io", repository: "ns/app", tag: null, digest: null },
    },
    { name: "Not A/Valid Name", parts: {}, push: null },
    { name: "UPPER", parts: { anyHost: true }, push: null },
  ])("$name", ({ name, parts, push }) => {
    expect(toPush(name, parts)).toEqual(push);
  });
});

describe("which images a push is about", () => {
  const image = (id: string, imageName: string) => ({ id, imageName }) as ContainerImage;
  const images = [
    image("hub", "library/nginx"),
    image("local", "127.0.0.1:5000/team/app"),
    image("other-host", "registry.example.com/team/app"),
    image("ecr", "1234.dkr.ecr.eu-west-1.amazonaws.com/team/app"),
  ];
  it.each([
    { push: { host: "docker.io", repository: "library/nginx" }, ids: ["hub"] },
    { push: { host: "127.0.0.1:5000", repository: "team/app" }, ids: ["local"] },
    { push: { host: null, repository: "team/app" }, ids: ["local", "other-host", "ecr"] },
    { push: { host: "127.0.0.1:5000", repository: "team/other" }, ids: [] },
  ])("$push.host $push.repository -> $ids", ({ push, ids }) => {
    expect(matchImages(images, { ...push, tag: null, digest: null }).map((i) => i.id)).toEqual(ids);
  });
});

describe("secret comparison", () => {
  const secret = "0123456789abcdef0123";
  it.each([
    { presented: secret, expected: secret, ok: true },
    { presented: `${secret}x`, expected: secret, ok: false },
    { presented: secret.slice(1), expected: secret, ok: false },
    { presented: "", expected: secret, ok: false },
    { presented: undefined, expected: secret, ok: false },
    { presented: secret, expected: undefined, ok: false },
    { presented: "", expected: "", ok: false },
  ])("$presented vs $expected -> $ok", ({ presented, expected, ok }) => {
    expect(secretMatches(presented, expected)).toBe(ok);
  });
});
