import { describe, expect, it } from "vitest";
import { ComposeError, composeOverride, composeUpArgv } from "./compose-up.js";

const file = "/srv/app/docker-compose.yml";

describe("composeUpArgv", () => {
  it.each([
    {
      target: { file, service: "web" },
      argv: [
        "docker-compose",
        "-f",
        file,
        "-f",
        "/tmp/o",
        "up",
        "-d",
        "--no-deps",
        "--no-build",
        "--",
        "web",
      ],
    },
    {
      target: { file, service: "api.v2", projectName: "shop" },
      argv: [
        "docker-compose",
        "-f",
        file,
        "-f",
        "/tmp/o",
        "-p",
        "shop",
        "up",
        "-d",
        "--no-deps",
        "--no-build",
        "--",
        "api.v2",
      ],
    },
  ])("runs only $target.service, never building", ({ target, argv }) => {
    expect(composeUpArgv(target, "/tmp/o")).toEqual(argv);
  });

  it.each([
    { target: { file: "docker-compose.yml", service: "web" }, error: /absolute path/ },
    { target: { file: "/a\nb.yml", service: "web" }, error: /absolute path/ },
    { target: { file, service: "-web" }, error: /invalid compose service/ },
    { target: { file, service: "web; id" }, error: /invalid compose service/ },
    { target: { file, service: "web", projectName: "Shop" }, error: /invalid compose project/ },
  ])("refuses $target", ({ target, error }) => {
    expect(() => composeUpArgv(target, "/tmp/o")).toThrow(ComposeError);
    expect(() => composeUpArgv(target, "/tmp/o")).toThrow(error);
  });
});

describe("composeOverride", () => {
  it("pins one service's image and nothing else, without a version key", () => {
    const ref = `r.example.com/web@sha256:${"c".repeat(64)}`;
    expect(JSON.parse(composeOverride("web", ref))).toEqual({ services: { web: { image: ref } } });
  });
});
