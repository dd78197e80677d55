import { connect } from "node:net";
import type { Duplex } from "node:stream";
import { httpStatusOver, isHealthyStatus } from "./http-status.js";

/** One probe's answer. `detail` says what was seen, for the step log. */
export interface ProbeOutcome {
  ok: boolean;
  detail: string;
}

/**
 * Reaches addresses from a server's point of view: `127.0.0.1` is the server's loopback. The
 * health checks use it, so a service bound to the server's loopback is checkable.
 */
export interface NetworkProbe {
  tcp(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome>;
  /** GET `url`; a 2xx or 3xx status is ok. */
  http(url: string, timeoutMs: number): Promise<ProbeOutcome>;
}

/** Opens a TCP stream to host:port as the probe's vantage point sees it. */
export type StreamOpener = (host: string, port: number, timeoutMs: number) => Promise<Duplex>;

/**
 * Probes built on a stream opener: the bot's own network for socket-mode servers, an SSH
 * direct-tcpip channel for SSH servers.
 *
 * @example
 * const probe = streamNetworkProbe(localStreamOpener);
 * await probe.http("http://127.0.0.1:8080/health", 2_000) // => { ok: true, detail: "HTTP 200" }
 */
export function streamNetworkProbe(open: StreamOpener): NetworkProbe {
  return {
    async tcp(host, port, timeoutMs) {
      try {
        const stream = await withDeadline(open(host, port, timeoutMs), timeoutMs, `${host}:${port}`);
        stream.destroy();
        return { ok: true, detail: `TCP ${host}:${port} accepts connections` };
      } catch (error) {
        return { ok: false, detail: `TCP ${host}:${port}: ${reason(error)}` };
      }
    },
    async http(url, timeoutMs) {
      const target = new URL(url);
      const port = Number(target.port || (target.protocol === "https:" ? 443 : 80));
      const started = Date.now();
      try {
        const stream = await withDeadline(
          open(stripBrackets(target.hostname), port, timeoutMs),
          timeoutMs,
          target.host,
        );
        const status = await httpStatusOver(stream, target, Math.max(1, timeoutMs - (Date.now() - started)));
        return { ok: isHealthyStatus(status), detail: `HTTP ${status} from ${url}` };
      } catch (error) {
        return { ok: false, detail: `HTTP ${url}: ${reason(error)}` };
      }
    },
  };
}

/** Plain TCP from the bot's machine. */
export const localStreamOpener: StreamOpener = (host, port, timeoutMs) =>
  new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once("connect", () => {
      socket.setTimeout(0);
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("timeout", () => socket.destroy(new Error(`no connection within ${timeoutMs} ms`)));
    socket.once("error", reject);
  });

function withDeadline<T extends Duplex>(opening: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no connection to ${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  // A stream that opens after the deadline is closed at once rather than leaked.
  opening.then(
    (stream) => {
      if (timer === undefined) stream.destroy();
    },
    () => undefined,
  );
  return Promise.race([opening, deadline]).finally(() => {
    clearTimeout(timer);
    timer = undefined;
  });
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
