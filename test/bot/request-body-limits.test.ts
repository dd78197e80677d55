import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitHubLab, startGitHubLab } from "./github-lab.js";
import type { WebhookSecrets } from "./webhooks-lab.js";

// A chunked body (no Content-Length) of 64 MiB, sent by a client that keeps writing whatever
// the answer: every route must refuse it having read about the 1 MiB limit from the
// connection, measured on the bot's side of the socket.
const LIMIT = 1024 * 1024;
/** What a socket may read past the limit before the bot stops reading: its buffers, the headers. */
const SLACK = 512 * 1024;
const CHUNK = 64 * 1024;
const MAX_CHUNKS = (64 * 1024 * 1024) / CHUNK;

let lab: GitHubLab;
let secrets: WebhookSecrets;
/** Bytes the bot read from each finished connection, by the client's port. */
const readByClientPort = new Map<number, number>();

beforeAll(async () => {
  const secret = () => randomBytes(20).toString("hex");
  secrets = {
    distribution: secret(),
    dockerhub: secret(),
    github: secret(),
    quay: secret(),
    cloudevents: secret(),
  };
  lab = await startGitHubLab({
    WEBHOOK_DISTRIBUTION_SECRET: secrets.distribution,
    WEBHOOK_DOCKERHUB_TOKEN: secrets.dockerhub,
    WEBHOOK_GITHUB_SECRET: secrets.github,
    WEBHOOK_QUAY_TOKEN: secrets.quay,
    WEBHOOK_CLOUDEVENTS_SECRET: secrets.cloudevents,
  });
  lab.bot.bot.server.on("connection", (socket: Socket) => {
    const port = socket.remotePort ?? 0;
    socket.once("close", () => readByClientPort.set(port, socket.bytesRead));
  });
});
afterAll(async () => {
  await lab?.stop();
});

/**
 * POSTs up to 64 MiB in chunks over a raw socket, writing on until the bot closes the
 * connection or everything is sent; returns the answer's status and what the bot read.
 */
async function postChunked(path: string, headers: Record<string, string>) {
  const { hostname, port } = new URL(lab.bot.url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const clientPort = socket.localPort ?? -1;
  let answer = "";
  let closed = false;
  socket.on("data", (data: Buffer) => {
    answer += data.toString("latin1");
  });
  socket.on("error", () => undefined);
  socket.once("close", () => {
    closed = true;
  });
  const head = Object.entries({ host: hostname, "transfer-encoding": "chunked", ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
  const frame = Buffer.concat([
    Buffer.from(`${CHUNK.toString(16)}\r\n`),
    Buffer.alloc(CHUNK, 0x20),
    Buffer.from("\r\n"),
  ]);
  const deadline = Date.now() + 20_000;
  for (let i = 0; i < MAX_CHUNKS && !closed && Date.now() < deadline; i++) {
    if (socket.write(frame)) continue;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, deadline - Date.now());
      socket.once("drain", done).once("close", done);
    });
  }
  socket.destroy();
  const read = await waitUntil(() => readByClientPort.get(clientPort), {
    what: `the bot to close the connection from port ${clientPort}`,
    timeoutMs: 10_000,
  });
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0), read };
}

const json = { "content-type": "application/json" };

describe("a 64 MiB chunked body", () => {
  it.each([
    {
      name: "a GitHub app delivery with a bogus signature",
      path: () => "/github/webhooks",
      headers: () => ({
        ...json,
        "x-github-delivery": "d-1",
        "x-github-event": "issue_comment",
        "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
      }),
      status: 413,
    },
    {
      name: "a distribution notification",
      path: () => "/webhooks/distribution",
      headers: () => ({
        "content-type": "application/vnd.docker.distribution.events.v1+json",
        authorization: secrets.distribution,
      }),
      status: 413,
    },
    {
      name: "a Docker Hub push",
      path: () => `/webhooks/dockerhub/${secrets.dockerhub}`,
      headers: () => json,
      status: 413,
    },
    {
      name: "a GHCR package event with a bogus signature",
      path: () => "/webhooks/github",
      headers: () => ({ ...json, "x-hub-signature-256": `sha256=${"0".repeat(64)}` }),
      status: 413,
    },
    { name: "a Quay push", path: () => `/webhooks/quay/${secrets.quay}`, headers: () => json, status: 413 },
    {
      name: "a CloudEvent",
      path: () => "/webhooks/cloudevents",
      headers: () => ({ ...json, authorization: secrets.cloudevents }),
      status: 413,
    },
    {
      name: "an API request with the admin token",
      path: () => "/api/environments",
      headers: () => ({ ...json, authorization: `Bearer ${lab.bot.token}` }),
      status: 413,
    },
    {
      name: "an API request without a token",
      path: () => "/api/environments",
      headers: () => json,
      status: 401,
    },
    {
      name: "a Quay push with a wrong token",
      path: () => "/webhooks/quay/wrong-token",
      headers: () => json,
      status: 401,
    },
    { name: "a path nothing serves", path: () => "/nowhere", headers: () => json, status: 404 },
  ])("$name: $status after at most about the limit was read", async ({ path, headers, status }) => {
    const answer = await postChunked(path(), headers());
    expect(answer.status).toBe(status);
    expect(answer.read).toBeLessThan(LIMIT + SLACK);
    expect((await fetch(`${lab.bot.url}/healthz`)).status).toBe(200);
  });
});
