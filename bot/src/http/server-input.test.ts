import { describe, expect, it } from "vitest";
import { transportProblem } from "./server-input.js";

const none = { host: null, username: null, socketPath: null };

describe("transportProblem", () => {
  it.each([
    [{ mode: "ssh", host: "10.0.0.5", username: "deploy" }, null],
    [{ mode: "ssh", username: "deploy" }, "host"],
    [{ mode: "ssh", host: "10.0.0.5" }, "username"],
    [{ mode: "socket" }, null],
    [{ mode: "swarm", socketPath: "/var/run/docker.sock" }, null],
    [{ mode: "swarm", host: "10.0.0.5", username: "deploy" }, null],
    [{ mode: "swarm" }, "host"],
    [{ mode: "swarm", host: "10.0.0.5" }, "username"],
    [
      { mode: "swarm", socketPath: "/var/run/docker.sock", host: "10.0.0.5", username: "deploy" },
      "socketPath",
    ],
    [{ mode: "kubernetes", apiServerUrl: "https://10.0.0.1:6443", authKind: "token" }, null],
    [{ mode: "kubernetes", apiServerUrl: "https://10.0.0.1:6443", authKind: "client-certificate" }, null],
    [{ mode: "kubernetes", authKind: "token" }, "apiServerUrl"],
    [{ mode: "kubernetes", apiServerUrl: "https://10.0.0.1:6443", authKind: "key" }, "auth"],
    [{ mode: "kubernetes", apiServerUrl: "https://10.0.0.1:6443", host: "10.0.0.1" }, "host"],
    [
      { mode: "ssh", host: "10.0.0.5", username: "deploy", apiServerUrl: "https://10.0.0.1:6443" },
      "apiServerUrl",
    ],
    [{ mode: "socket", authKind: "token" }, "auth"],
  ] as const)("%j: %s", (server, field) => {
    expect(transportProblem({ ...none, ...server })?.field ?? null).toBe(field);
  });

  it("says how to fix a Swarm manager with nowhere to go", () => {
    expect(transportProblem({ ...none, mode: "swarm" })?.message).toBe(
      "required when mode is swarm over SSH; or give socketPath for a Swarm manager on this machine",
    );
  });
});
