import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CommandRunner, ExecOptions, ExecResult } from "./command-runner.js";
import { DockerLoginError, dockerLogin } from "./docker-login.js";
import { RemoteCommandError } from "./errors.js";
import { localCommandRunner } from "./local-command-runner.js";

const PASSWORD = "pa55-w0rd-secret";

interface Call {
  argv: readonly string[];
  options: ExecOptions;
}

/** Stands in for a server: records each command, answers by its label. */
function fakeServer(answers: { login?: ExecResult | Error } = {}) {
  const calls: Call[] = [];
  const runner = {
    async exec(argv, options) {
      calls.push({ argv, options });
      if (options.label === "docker login") {
        if (answers.login instanceof Error) throw answers.login;
        return answers.login ?? { code: 0, stdout: "Login Succeeded\n", stderr: "" };
      }
      return { code: 0, stdout: "", stderr: "" };
    },
  } satisfies CommandRunner;
  return { runner, calls };
}

const FILE_NAME = /^bridgeport-login\.[0-9a-f]{32}$/;

/** The password file the login named (its first parameter), and the one the last command removed. */
function files(calls: Call[]) {
  return { written: calls[0]?.argv[4], removed: calls.at(-1)?.argv[4] };
}

describe("dockerLogin", () => {
  it.each([
    { server: "r.example.com:5000", hostArgs: ["r.example.com:5000"] },
    { server: null, hostArgs: [] },
  ])(
    "writes the password to a temp file it named, logs in from it, removes it (host $server)",
    async ({ server, hostArgs }) => {
      const { runner, calls } = fakeServer();
      await dockerLogin(runner, { server, username: "ci", password: PASSWORD });
      expect(calls.map((call) => call.options.label)).toEqual(["docker login", "remove the password file"]);
      const [login, remove] = calls;
      expect(login?.options.stdin).toBe(`${PASSWORD}\n`);
      expect(login?.argv[2]).toMatch(/^umask 077; set -C; /);
      expect(login?.argv.slice(4)).toEqual([
        expect.stringMatching(FILE_NAME),
        "--username",
        "ci",
        "--password-stdin",
        ...hostArgs,
      ]);
      expect(remove?.argv.slice(0, 2)).toEqual(["sh", "-c"]);
      expect(files(calls).removed).toBe(files(calls).written);
      for (const call of calls) expect(call.argv.join(" ")).not.toContain(PASSWORD);
    },
  );

  it("names a new file for every login", async () => {
    const { runner, calls } = fakeServer();
    await dockerLogin(runner, { server: "r", username: "ci", password: PASSWORD });
    await dockerLogin(runner, { server: "r", username: "ci", password: PASSWORD });
    expect(calls[0]?.argv[4]).not.toBe(calls[2]?.argv[4]);
  });

  it("passes a multi-line secret (a GCR service-account key) whole on stdin", async () => {
    const key = `{\n  "type": "service_account",\n  "private_key": "${PASSWORD}"\n}`;
    const { runner, calls } = fakeServer();
    await dockerLogin(runner, { server: "gcr.io", username: "_json_key", password: key });
    expect(calls[0]?.options.stdin).toBe(`${key}\n`);
    expect(calls[0]?.argv).toContain("_json_key");
    for (const call of calls) expect(call.argv.join(" ")).not.toContain(PASSWORD);
  });

  it("fails with docker's reason, scrubbed, and still removes the file", async () => {
    const { runner, calls } = fakeServer({
      login: {
        code: 1,
        stdout: "",
        stderr: `WARNING! something\nError response from daemon: Get "https://r/v2/": unauthorized: ${PASSWORD}\n`,
      },
    });
    const failure = await dockerLogin(runner, { server: "r", username: "ci", password: PASSWORD }).catch(
      (e) => e,
    );
    expect(failure).toBeInstanceOf(DockerLoginError);
    expect(failure.message).toBe('docker login failed: Get "https://r/v2/": unauthorized: ***');
    expect(files(calls).removed).toBe(files(calls).written);
  });

  it("removes the file also when the login never answered (a timeout, a lost connection)", async () => {
    const { runner, calls } = fakeServer({
      login: new RemoteCommandError("docker login did not finish within 60000 ms on deploy@web-1:22", {
        command: "docker login",
        exitCode: null,
        stderr: "",
        timedOut: true,
      }),
    });
    await expect(dockerLogin(runner, { server: "r", username: "ci", password: PASSWORD })).rejects.toThrow(
      "docker login failed: docker login did not finish within 60000 ms on deploy@web-1:22",
    );
    expect(calls).toHaveLength(2);
    expect(files(calls).removed).toMatch(FILE_NAME);
    expect(files(calls).removed).toBe(files(calls).written);
  });

  it("answers docker's prompts through a terminal when the user name is the secret (DigitalOcean)", async () => {
    const { runner, calls } = fakeServer();
    await dockerLogin(runner, {
      server: "registry.digitalocean.com",
      username: PASSWORD,
      password: PASSWORD,
    });
    const [login] = calls;
    expect(login?.options.stdin).toBe(`${PASSWORD}\n${PASSWORD}\n`);
    expect(login?.argv.join(" ")).toMatch(/script -qec/);
    expect(login?.argv.slice(4)).toEqual([
      expect.stringMatching(FILE_NAME),
      "'docker' 'login' 'registry.digitalocean.com'",
      "registry.digitalocean.com",
    ]);
    for (const call of calls) expect(call.argv.join(" ")).not.toContain(PASSWORD);
  });

  it.each([
    { login: { server: "r", username: "", password: "p" }, error: /no user name or password/ },
    { login: { server: "r", username: "u", password: "" }, error: /no user name or password/ },
    { login: { server: "r", username: "--config=/x", password: "p" }, error: /invalid user name/ },
    { login: { server: "r", username: "u\nv", password: "p" }, error: /invalid user name/ },
    { login: { server: "r", username: "u", password: "p\0q" }, error: /NUL byte/ },
    { login: { server: "r; id", username: "u", password: "p" }, error: /invalid registry host/ },
    { login: { server: "https://r", username: "u", password: "p" }, error: /invalid registry host/ },
    { login: { server: null, username: "t", password: "t" }, error: /needs a registry host/ },
  ])("refuses $login before running anything", async ({ login, error }) => {
    const { runner, calls } = fakeServer();
    await expect(dockerLogin(runner, login)).rejects.toThrow(error);
    expect(calls).toEqual([]);
  });

  it("runs in sh: docker reads the password from a file whose name is already gone", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bp-docker-login-"));
    try {
      const [bin, tmp, out] = [join(dir, "bin"), join(dir, "tmp"), join(dir, "out")] as const;
      for (const path of [bin, tmp, out]) await mkdir(path);
      // A docker that records what it was given and what the temp dir held while it ran.
      await writeFile(join(bin, "docker"), '#!/bin/sh\ncat > "$OUT/stdin"; ls -A "$TMPDIR" > "$OUT/tmp"\n', {
        mode: 0o755,
      });
      const runner = localCommandRunner({ PATH: `${bin}:${process.env.PATH}`, TMPDIR: tmp, OUT: out });
      await dockerLogin(runner, { server: "r.example.com", username: "ci", password: PASSWORD });
      expect(await readFile(join(out, "stdin"), "utf8")).toBe(`${PASSWORD}\n`);
      expect(await readFile(join(out, "tmp"), "utf8")).toBe("");
      expect(await readdir(tmp)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
