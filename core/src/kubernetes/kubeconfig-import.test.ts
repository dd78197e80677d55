import { describe, expect, it } from "vitest";
import { importKubeconfig } from "./kubeconfig-import.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const config = (extra: { users?: object[]; clusters?: object[]; current?: string } = {}) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "prod", cluster: { server: "https://10.0.0.1:6443", "certificate-authority-data": b64(CA) } },
      ...(extra.clusters ?? []),
    ],
    users: [
      { name: "ci", user: { token: "tok" } },
      { name: "cert", user: { "client-certificate-data": b64("CERT"), "client-key-data": b64("KEY") } },
      ...(extra.users ?? []),
    ],
    contexts: [
      { name: "prod", context: { cluster: "prod", user: "ci", namespace: "team-a" } },
      { name: "cert", context: { cluster: "prod", user: "cert" } },
      { name: "plugin", context: { cluster: "prod", user: "plugin" } },
      { name: "files", context: { cluster: "files", user: "ci" } },
    ],
    "current-context": extra.current ?? "prod",
  });

describe("importKubeconfig", () => {
  it("reads the current context's cluster, CA, token and namespace", async () => {
    expect(await importKubeconfig(config())).toEqual({
      ok: true,
      value: {
        apiServerUrl: "https://10.0.0.1:6443",
        caCertificate: CA,
        namespace: "team-a",
        credential: { kind: "token", token: "tok" },
      },
    });
  });

  it("reads a named context's client certificate and key", async () => {
    const imported = await importKubeconfig(config(), "cert");
    expect(imported).toMatchObject({
      ok: true,
      value: { namespace: null, credential: { kind: "client-certificate", certificate: "CERT", key: "KEY" } },
    });
  });

  it.each([
    ["a missing context", config(), "staging", "the kubeconfig has no context named staging"],
    [
      "an exec plugin",
      config({
        users: [
          {
            name: "plugin",
            user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "aws" } },
          },
        ],
      }),
      "plugin",
      "user plugin authenticates through a plugin: give a token or a client certificate instead",
    ],
    [
      "a CA file on someone's disk",
      config({
        clusters: [
          {
            name: "files",
            cluster: { server: "https://x:6443", "certificate-authority": "/home/me/ca.crt" },
          },
        ],
      }),
      "files",
      "file paths cannot be read here: inline them (certificate-authority-data, client-certificate-data, client-key-data)",
    ],
    ["not YAML at all", "{{{", undefined, /^not a kubeconfig/],
  ])("refuses %s", async (_, text, context, message) => {
    const imported = await importKubeconfig(text, context);
    expect(imported.ok).toBe(false);
    if (!imported.ok) expect(imported.message).toMatch(message);
  });
});
