import { describe, expect, it } from "vitest";
import type { ContainerInspect, ImageInspect } from "./docker-schemas.js";
import { replacementConfig } from "./replacement-config.js";

const id = "0123456789abcdef".repeat(4);
const next = `r.io/web@sha256:${"e".repeat(64)}`;

function container(overrides: Partial<ContainerInspect> = {}): ContainerInspect {
  return {
    Id: id,
    Name: "/web",
    Image: "sha256:old",
    State: { Status: "running", Running: true },
    Config: {
      Hostname: id.slice(0, 12),
      Image: "r.io/web:v1",
      Env: ["PATH=/bin", "APP_VERSION=v1", "FOO=bar"],
      Cmd: ["/bin/sh", "-c", "serve"],
      Labels: { "org.version": "v1", team: "core" },
      ExposedPorts: { "8080/tcp": {}, "9999/tcp": {} },
      WorkingDir: "/",
      Healthcheck: { Test: ["CMD", "true"] },
      Tty: true,
    },
    HostConfig: {
      NetworkMode: "bridge",
      RestartPolicy: { Name: "always" },
      Binds: ["data:/data"],
      Memory: 123,
    },
    NetworkSettings: {
      Networks: { bridge: { Aliases: null }, backend: { Aliases: ["api", id.slice(0, 12)] } },
    },
    Mounts: [
      { Type: "volume", Name: "data", Destination: "/data", RW: true },
      { Type: "volume", Name: "f00d", Destination: "/cache", RW: false },
      { Type: "bind", Destination: "/etc/app" },
    ],
    ...overrides,
  };
}

const oldImage: ImageInspect = {
  Id: "sha256:old",
  Config: {
    Env: ["PATH=/bin", "APP_VERSION=v1"],
    Cmd: ["/bin/sh", "-c", "serve"],
    Labels: { "org.version": "v1" },
    ExposedPorts: { "8080/tcp": {} },
    WorkingDir: "/",
    Healthcheck: { Test: ["CMD", "true"] },
  },
};

describe("replacementConfig", () => {
  const { body, extraNetworks } = replacementConfig(container(), oldImage, next);

  it.each([
    { what: "swaps the image", field: "Image", value: next },
    { what: "keeps only env the container set itself", field: "Env", value: ["FOO=bar"] },
    { what: "keeps only labels the container set itself", field: "Labels", value: { team: "core" } },
    {
      what: "keeps only ports the container exposed itself",
      field: "ExposedPorts",
      value: { "9999/tcp": {} },
    },
    { what: "leaves the image's command to the new image", field: "Cmd", value: undefined },
    { what: "leaves the image's health check to the new image", field: "Healthcheck", value: undefined },
    { what: "leaves the image's workdir to the new image", field: "WorkingDir", value: undefined },
    { what: "drops the generated hostname", field: "Hostname", value: undefined },
    { what: "keeps settings it does not know", field: "Tty", value: true },
  ])("$what", ({ field, value }) => {
    expect(body[field]).toEqual(value);
  });

  it("keeps the host config and carries anonymous volumes over by name", () => {
    expect(body.HostConfig).toEqual({
      NetworkMode: "bridge",
      RestartPolicy: { Name: "always" },
      Binds: ["data:/data", "f00d:/cache:ro"],
      Memory: 123,
    });
  });

  it("creates on the primary network and connects the others after, minus the old short-id alias", () => {
    expect(body.NetworkingConfig).toEqual({ EndpointsConfig: { bridge: { Aliases: [] } } });
    expect(extraNetworks).toEqual([{ network: "backend", endpoint: { Aliases: ["api"] } }]);
  });

  it("keeps values the container overrode, even where the image has a default", () => {
    const own = container({
      Config: { ...container().Config, Cmd: ["httpd", "-f"], Env: ["PATH=/usr/bin", "APP_VERSION=pinned"] },
    });
    const spec = replacementConfig(own, oldImage, next);
    expect(spec.body.Cmd).toEqual(["httpd", "-f"]);
    expect(spec.body.Env).toEqual(["PATH=/usr/bin", "APP_VERSION=pinned"]);
  });

  it("host networking: no hostname, no endpoint config", () => {
    const host = container({
      Config: { ...container().Config, Hostname: "server-1" },
      HostConfig: { NetworkMode: "host" },
      NetworkSettings: { Networks: { host: {} } },
    });
    const spec = replacementConfig(host, oldImage, next);
    expect(spec.body.Hostname).toBeUndefined();
    expect(spec.body.NetworkingConfig).toBeUndefined();
    expect(spec.extraNetworks).toEqual([]);
  });

  it("keeps everything when the old image is gone and its defaults are unknown", () => {
    const spec = replacementConfig(container(), null, next);
    expect(spec.body.Env).toEqual(["PATH=/bin", "APP_VERSION=v1", "FOO=bar"]);
    expect(spec.body.Cmd).toEqual(["/bin/sh", "-c", "serve"]);
  });
});
