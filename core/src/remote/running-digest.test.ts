import { describe, expect, it } from "vitest";
import { repoDigestFor } from "./running-digest.js";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;

describe("repoDigestFor", () => {
  it.each([
    ["the entry for the image's repository", "r.example.com/team/web:v1", [`r.example.com/team/web@${A}`], A],
    [
      "the entry the container is pinned to",
      `r.example.com/team/web@${B}`,
      [`r.example.com/team/web@${A}`, `r.example.com/team/web@${B}`],
      B,
    ],
    ["Docker Hub short names", "nginx:1.27", [`nginx@${A}`], A],
    [
      "only another repository's entry: none",
      "r.example.com/team/web:v1",
      [`r.example.com/other/web@${A}`],
      null,
    ],
    ["built or imported here: none", "r.example.com/team/web:v1", [], null],
  ])("%s", (_name, configured, repoDigests, digest) => {
    const imageName = configured.startsWith("nginx") ? "docker.io/library/nginx" : "r.example.com/team/web";
    expect(repoDigestFor("web", configured, repoDigests, imageName).digest).toBe(digest);
  });

  it("says why there is none instead of guessing", () => {
    expect(repoDigestFor("web", "r.example.com/team/web:dev", [], "r.example.com/team/web").detail).toBe(
      "container web runs r.example.com/team/web:dev, which has no registry digest for r.example.com/team/web: it was not pulled by digest from that registry (built or imported on the server?), so no digest is recorded",
    );
  });
});
