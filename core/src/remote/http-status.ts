import type { Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";

const MAX_STATUS_LINE = 8192;

/**
 * Sends one `GET` over an already open stream and returns the status code of the answer. Only
 * the status line is read: a health probe needs the verdict, not the page. For https the stream
 * is wrapped in TLS without verifying the certificate, since the probe asks "does it answer?"
 * and sends nothing worth protecting; services often use self-signed certificates inside.
 */
export function httpStatusOver(stream: Duplex, url: URL, timeoutMs: number): Promise<number> {
  const wire =
    url.protocol === "https:"
      ? tlsConnect({ socket: stream, servername: serverName(url), rejectUnauthorized: false })
      : stream;
  return new Promise((resolve, reject) => {
    let received = "";
    const finish = (error: Error | null, status?: number) => {
      clearTimeout(timer);
      wire.removeAllListeners("data");
      wire.destroy();
      if (error === null && status !== undefined) resolve(status);
      else reject(error ?? new Error("no HTTP status"));
    };
    const timer = setTimeout(() => finish(new Error(`no HTTP answer within ${timeoutMs} ms`)), timeoutMs);
    wire.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      const end = received.indexOf("\r\n");
      if (end < 0) {
        if (received.length > MAX_STATUS_LINE) finish(new Error("not an HTTP answer"));
        return;
      }
      const match = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(received.slice(0, end));
      finish(match?.[1] === undefined ? new Error("not an HTTP answer") : null, Number(match?.[1]));
    });
    wire.once("error", (error: Error) => finish(error));
    wire.once("end", () => finish(new Error("connection closed before an HTTP answer")));
    const path = `${url.pathname}${url.search}`;
    wire.write(
      `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: bridgeport-health\r\nAccept: */*\r\nConnection: close\r\n\r\n`,
    );
  });
}

function serverName(url: URL): string | undefined {
  // SNI takes host names only, not IP literals.
  return /^[\d.]+$|^\[/.test(url.hostname) ? undefined : url.hostname;
}

/** 2xx and 3xx count as up: a redirect to a login page still means the service answers. */
export function isHealthyStatus(status: number): boolean {
  return status >= 200 && status < 400;
}
