import { describe, expect, it } from "vitest";
import { createLogger } from "./log.js";

/** A logger at debug level writing into an array, one JSON text per line. */
function capture() {
  const lines: string[] = [];
  const log = createLogger("debug", { write: (line: string) => void lines.push(line) });
  return { log, lines };
}

let n = 0;
const secret = (what: string) => `${what}-secret-${++n}-${process.pid}`;

describe("the bot's log redacts secrets at any depth", () => {
  it.each([
    [
      "an Authorization header of a request",
      (s: string) => ({ request: { headers: { Authorization: `Bearer ${s}` } } }),
    ],
    [
      "a lower-case authorization header in a list",
      (s: string) => ({ calls: [{ headers: { authorization: s } }] }),
    ],
    [
      "X-Registry-Auth, as dockerd takes it",
      (s: string) => ({ pull: { headers: { "X-Registry-Auth": s } } }),
    ],
    ["x-registry-auth in lower case", (s: string) => ({ headers: { "x-registry-auth": s } })],
    [
      "an AWS secretAccessKey",
      (s: string) => ({ registry: { credentials: { accessKeyId: "AKIA", secretAccessKey: s } } }),
    ],
    ["an AWS sessionToken", (s: string) => ({ aws: { sessionToken: s } })],
    ["a GCP serviceAccountKey", (s: string) => ({ connection: { secrets: { serviceAccountKey: s } } })],
    ["an SSH key passphrase", (s: string) => ({ server: { auth: { kind: "key", passphrase: s } } })],
    ["a password six levels down", (s: string) => ({ a: { b: { c: { d: { e: { password: s } } } } } })],
    ["a token and a secret at the top", (s: string) => ({ token: s, secret: `${s}-2` })],
    [
      "a header on an error",
      (s: string) => ({ err: Object.assign(new Error("refused"), { headers: { Authorization: s } }) }),
    ],
    [
      "a header on an error under another key",
      (s: string) => ({
        error: Object.assign(new Error("refused"), { config: { headers: { authorization: s } } }),
      }),
    ],
  ])("%s", (_what, logged) => {
    const { log, lines } = capture();
    const value = secret("v");
    log.info(logged(value), "a line with a secret");
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(value);
    expect(lines[0]).toContain("[redacted]");
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ msg: "a line with a secret" });
  });

  it("redacts a child logger's bindings too", () => {
    const { log, lines } = capture();
    const value = secret("binding");
    log.child({ upstream: { headers: { Authorization: value } } }).warn("through a child");
    expect(lines[0]).not.toContain(value);
    expect(lines[0]).toContain("[redacted]");
  });

  it("keeps everything else as it was, including the error's message and the object it was given", () => {
    const { log, lines } = capture();
    const headers = { authorization: secret("kept-out"), "content-type": "application/json" };
    const fields = { delivery: "d-1", request: { headers }, err: new Error("boom"), pushes: 3 };
    log.error(fields, "request failed");
    const line = JSON.parse(lines[0] ?? "");
    expect(line).toMatchObject({
      delivery: "d-1",
      pushes: 3,
      request: { headers: { authorization: "[redacted]", "content-type": "application/json" } },
      err: { type: "Error", message: "boom" },
      msg: "request failed",
    });
    expect(headers.authorization).toMatch(/^kept-out-secret-/);
  });

  it("logs a circular object without looping", () => {
    const { log, lines } = capture();
    const node: Record<string, unknown> = { password: secret("loop") };
    node.self = node;
    log.info({ node }, "circular");
    expect(lines[0]).toContain('"password":"[redacted]"');
  });
});
