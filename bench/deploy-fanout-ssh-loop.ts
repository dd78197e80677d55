import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { shellJoin, shellQuote } from "@bridgeport/core";
import { makeTempDir, removeTempDir, runCommand } from "@bridgeport/test/harness";

/** One server as a hand-written deploy step knows it, and the container it replaces there. */
export interface SshLoopTarget {
  host: string;
  port: number;
  username: string;
  hostPublicKey: string;
  containerName: string;
  containerPort: number;
}

export interface SshLoopLogin {
  /** `host:port` of the registry, as docker login takes it. */
  server: string;
  username: string;
  password: string;
}

export interface SshLoopResult {
  seconds: number;
  perServerS: number[];
}

const HEALTH_POLL_MS = 250;
const HEALTH_DEADLINE_MS = 30_000;
const SSH_TIMEOUT_MS = 90_000;

/**
 * What a hand-written CI deploy step does, one server after another: the OpenSSH client runs one
 * remote shell per server that logs in (password on ssh's stdin), pulls the digest, replaces the
 * container with `docker rm -f` + `docker run`, and polls its health every 250 ms.
 *
 * @example
 * const { seconds } = await runSshLoop(targets, privateKey, login, "127.0.0.1:5000/web@sha256:...");
 */
export async function runSshLoop(
  targets: readonly SshLoopTarget[],
  privateKey: string,
  login: SshLoopLogin,
  reference: string,
): Promise<SshLoopResult> {
  const dir = await makeTempDir("deploy-fanout-ssh");
  try {
    const keyFile = join(dir, "id_ed25519");
    const knownHosts = join(dir, "known_hosts");
    await writeFile(keyFile, privateKey, { mode: 0o600 });
    await writeFile(knownHosts, targets.map((t) => `[${t.host}]:${t.port} ${t.hostPublicKey}\n`).join(""), {
      mode: 0o600,
    });
    const perServerS: number[] = [];
    const started = performance.now();
    for (const target of targets) {
      const one = performance.now();
      await runCommand(
        [
          "ssh",
          "-F",
          "/dev/null",
          "-i",
          keyFile,
          "-o",
          "IdentitiesOnly=yes",
          "-o",
          "BatchMode=yes",
          "-o",
          "StrictHostKeyChecking=yes",
          "-o",
          `UserKnownHostsFile=${knownHosts}`,
          "-o",
          "GlobalKnownHostsFile=/dev/null",
          "-o",
          "ConnectTimeout=10",
          "-o",
          "LogLevel=ERROR",
          "-p",
          String(target.port),
          `${target.username}@${target.host}`,
          remoteScript(target, login, reference),
        ],
        { stdin: login.password, timeoutMs: SSH_TIMEOUT_MS },
      );
      perServerS.push((performance.now() - one) / 1000);
    }
    return { seconds: (performance.now() - started) / 1000, perServerS };
  } finally {
    await removeTempDir(dir);
  }
}

// One shell on the server; `docker login` reads the password from the session's stdin, the only
// input ssh forwards. Every value is quoted by the project's one quoting helper.
function remoteScript(target: SshLoopTarget, login: SshLoopLogin, reference: string): string {
  const name = target.containerName;
  const attempts = Math.ceil(HEALTH_DEADLINE_MS / HEALTH_POLL_MS);
  const status = shellJoin(["docker", "inspect", "-f", "{{.State.Health.Status}}", name]);
  const run = [
    ...["docker", "run", "-d", "--name", name, "--network", "host", "--restart", "unless-stopped"],
    ...["-e", `PORT=${target.containerPort}`, reference],
  ];
  return [
    "set -e",
    `${shellJoin(["docker", "login", "--username", login.username, "--password-stdin", login.server])} >/dev/null`,
    `${shellJoin(["docker", "pull", "--quiet", reference])} >/dev/null`,
    `${shellJoin(["docker", "rm", "-f", name])} >/dev/null 2>&1 || true`,
    `${shellJoin(run)} >/dev/null`,
    "i=0",
    `while [ "$(${status} 2>/dev/null)" != healthy ]; do`,
    `  i=$((i + 1)); if [ "$i" -gt ${attempts} ]; then echo ${shellQuote(`${name} not healthy in time`)} >&2; exit 1; fi`,
    `  sleep ${HEALTH_POLL_MS / 1000}`,
    "done",
  ].join("\n");
}
