import type { CommandRunner } from "./command-runner.js";
import { type NetworkProbe, type ProbeOutcome, streamNetworkProbe } from "./network-probe.js";
import type { SshConnection } from "./ssh-connection.js";

/**
 * Probes from an SSH server's point of view. First choice is an SSH direct-tcpip channel: sshd
 * itself connects, so nothing has to be installed or run on the server. Servers hardened with
 * `AllowTcpForwarding no` refuse that; then the probe runs tools every Debian server has:
 * bash's /dev/tcp for TCP and wget for HTTP(S).
 *
 * @example
 * const probe = sshNetworkProbe(await pool.acquire(serverId));
 * await probe.tcp("127.0.0.1", 5432, 2_000) // => { ok: true, detail: "TCP 127.0.0.1:5432 accepts connections" }
 */
export function sshNetworkProbe(ssh: SshConnection): NetworkProbe {
  const forwarded = streamNetworkProbe((host, port) => ssh.forwardOut(host, port));
  const commands = commandNetworkProbe(ssh);
  let forwardingRefused = false;
  const pick = async (viaChannel: () => Promise<ProbeOutcome>, viaCommand: () => Promise<ProbeOutcome>) => {
    if (forwardingRefused) return viaCommand();
    const outcome = await viaChannel();
    if (!/administratively prohibited/i.test(outcome.detail)) return outcome;
    forwardingRefused = true;
    return viaCommand();
  };
  return {
    tcp: (host, port, timeoutMs) =>
      pick(
        () => forwarded.tcp(host, port, timeoutMs),
        () => commands.tcp(host, port, timeoutMs),
      ),
    http: (url, timeoutMs) =>
      pick(
        () => forwarded.http(url, timeoutMs),
        () => commands.http(url, timeoutMs),
      ),
  };
}

/** Probes by running bash and wget on the server (through its CommandRunner). */
export function commandNetworkProbe(runner: CommandRunner): NetworkProbe {
  return {
    async tcp(host, port, timeoutMs) {
      // The host and port are positional parameters, never part of the script text.
      const argv = ["bash", "-c", 'exec 3<>"/dev/tcp/$0/$1"', host, String(port)];
      const result = await runner.exec(argv, { timeoutMs, label: "bash /dev/tcp" }).catch(failed);
      return result.code === 0
        ? { ok: true, detail: `TCP ${host}:${port} accepts connections` }
        : { ok: false, detail: `TCP ${host}:${port}: ${lastLine(result.stderr) || "connection failed"}` };
    },
    async http(url, timeoutMs) {
      const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
      // wget follows redirects and exits 0 only for a final 2xx; --no-check-certificate as in the
      // channel probe: the question is whether the service answers.
      const argv = [
        "wget",
        "-nv",
        "-O",
        "/dev/null",
        "-T",
        seconds,
        "-t",
        "1",
        "--no-check-certificate",
        "--",
        url,
      ];
      const result = await runner.exec(argv, { timeoutMs: timeoutMs + 1000, label: "wget" }).catch(failed);
      return result.code === 0
        ? { ok: true, detail: `HTTP 2xx from ${url} (wget)` }
        : {
            ok: false,
            detail: `HTTP ${url}: ${lastLine(result.stderr) || `wget exited with ${result.code}`}`,
          };
    },
  };
}

function failed(error: unknown): { code: null; stderr: string } {
  return { code: null, stderr: error instanceof Error ? error.message : String(error) };
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1)?.trim() ?? "";
}
