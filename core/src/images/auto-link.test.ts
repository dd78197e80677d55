import { describe, expect, it } from "vitest";
import { autoLinkRegistry } from "./auto-link.js";

// Seed 000: a Docker Hub connection with the pattern myapp-*.
const hub = {
  id: "hub",
  type: "dockerhub",
  registryUrl: "https://hub.docker.com",
  autoLinkPattern: "myapp-*",
} as const;
const ghcr = { id: "ghcr", type: "ghcr", registryUrl: "https://ghcr.io", autoLinkPattern: "*" } as const;
const local = {
  id: "local",
  type: "generic",
  registryUrl: "http://127.0.0.1:5001",
  autoLinkPattern: "127.0.0.1:5001/*",
} as const;

describe("autoLinkRegistry", () => {
  it.each([
    ["myapp-backend", [hub], "hub"],
    ["docker.io/library/myapp-backend", [hub], "hub"],
    ["ghcr.io/someone-else/myapp-web", [hub], undefined],
    ["ghcr.io/someone-else/myapp-web", [hub, ghcr], "ghcr"],
    ["127.0.0.1:5001/demo/web", [hub, ghcr, local], "local"],
    ["127.0.0.1:5002/demo/web", [local], undefined],
    ["other-app", [hub], undefined],
  ])("%s links to %s", (imageName, registries, linked) => {
    expect(autoLinkRegistry(imageName, registries)?.id).toBe(linked);
  });
});
