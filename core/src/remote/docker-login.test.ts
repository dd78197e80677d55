import { describe, expect, it } from "vitest";
import type { CommandRunner, ExecOptions, ExecResult } from "./command-runner.js";
import { DockerLoginError, dockerLogin } from "./docker-login.js";

const PASSWORD = "pa55-w0rd-secret";

interface Call {
  argv: readonly string[];
  options: ExecOptions;
}

/** Stands in for a server: records each command, answers by its label. */
function fakeServer(answers: { login?: ExecResult; mktemp?: ExecResult } = {}) {
  const calls: Call[] = [];
  const runner = {
    async exec(argv, options) {
      calls.push({ argv, options });
      if (options.label === "mktemp")
        return answers.mktemp ?? { code: 0, stdout: "/tmp/tmp.Ab12", stderr: "" };
      if (options.label === "docker login")
        return answers.login ?? { code: 0, stdout: "Login Succeeded\n", stderr: "" };
      return { code: 0, stdout: "", stderr: "" };
    },
  } satisfies CommandRunner;
  return { runner, calls };
}

describe("dockerLogin", () => {
  it.each([
    { server: "r.example.com:5000", hostArgs: ["r.example.com:5000"] },
    { server: null, hostArgs: [] },
  ])(
    "writes the password to a temp file, logs in from it, removes it (host $server)",
    async ({ server, hostArgs }) => {
      const { runner, calls } = fakeServer();
      await dockerLogin(runner, { server, username: "ci", password: PASSWORD });
      expect(calls.map((call) => call.options.label ?? call.argv.slice(0, 2).join(" "))).toEqual([
        "mktemp",
        "docker login",
        "rm -f",
      ]);
      const [write, login, remove] = calls;
      expect(write?.options.stdin).toBe(`${PASSWORD}\n`);
      expect(write?.argv.join(" ")).toMatch(/umask 077; f=\$\(mktemp\)/);
      expect(login?.argv.slice(4)).toEqual([
        "/tmp/tmp.Ab12",
        "--username",
        "ci",
        "--password-stdin",
        ...hostArgs,
      ]);
      expect(remove?.argv).toEqual(["rm", "-f", "--", "/tmp/tmp.Ab12"]);
      for (const call of calls) expect(call.argv.join(" ")).not.toContain(PASSWORD);
    },
  );

  it("passes a multi-line secret (a GCR service-account key) whole on stdin", async () => {
    const key = `{\n  "type": "service_account",\n  "private_key": "${PASSWORD}"\n}`;
    const { runner, calls } = fakeServer();
    await dockerLogin(runner, { server: "gcr.io", username: "_json_key", password: key });
    expect(calls[0]?.options.stdin).toBe(`${key}\n`);
    expect(calls[1]?.argv).toContain("_json_key");
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
    expect(calls.at(-1)?.argv).toEqual(["rm", "-f", "--", "/tmp/tmp.Ab12"]);
  });

  it("answers docker's prompts through a terminal when the user name is the secret (DigitalOcean)", async () => {
    const { runner, calls } = fakeServer();
    await dockerLogin(runner, {
      server: "registry.digitalocean.com",
      username: PASSWORD,
      password: PASSWORD,
    });
    const [write, login] = calls;
    expect(write?.options.stdin).toBe(`${PASSWORD}\n${PASSWORD}\n`);
    expect(login?.argv.join(" ")).toMatch(/script -qec/);
    expect(login?.argv.slice(4)).toEqual([
      "/tmp/tmp.Ab12",
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

  it("reports a temp file that could not be made", async () => {
    const { runner, calls } = fakeServer({
      mktemp: { code: 1, stdout: "", stderr: "mktemp: No space left" },
    });
    await expect(dockerLogin(runner, { server: "r", username: "u", password: PASSWORD })).rejects.toThrow(
      /^docker login failed: mktemp exited with code 1: mktemp: No space left$/,
    );
    expect(calls).toHaveLength(1);
  });
});
