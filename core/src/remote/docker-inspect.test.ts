import { describe, expect, it } from "vitest";
import { matchRepoDigest } from "./docker-inspect.js";

const a = `sha256:${"a".repeat(64)}`;
const b = `sha256:${"b".repeat(64)}`;

describe("matchRepoDigest", () => {
  it.each([
    {
      configured: `r.io/team/web@${a}`,
      digests: [`r.io/team/web@${b}`, `r.io/team/web@${a}`],
      match: `r.io/team/web@${a}`,
    },
    {
      configured: "r.io/team/web:v2",
      digests: [`r.io/other@${b}`, `r.io/team/web@${a}`],
      match: `r.io/team/web@${a}`,
    },
    { configured: "nginx:1.27", digests: [`nginx@${a}`], match: `nginx@${a}` },
    { configured: "docker.io/library/nginx", digests: [`nginx@${a}`, `r.io/x@${b}`], match: `nginx@${a}` },
    { configured: "sha256:deadbeef", digests: [`r.io/team/web@${a}`], match: `r.io/team/web@${a}` },
    { configured: "r.io/team/web:v2", digests: [`r.io/a@${a}`, `r.io/b@${b}`], match: null },
    { configured: "local-build:dev", digests: [], match: null },
  ])("$configured with $digests -> $match", ({ configured, digests, match }) => {
    expect(matchRepoDigest(configured, digests)).toBe(match);
  });
});
