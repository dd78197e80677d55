import { access, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, type ManagedProcess, startProcess, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rotateMasterKeyCommand } from "../../bot/src/commands/rotate-master-key.js";

// The bot as `npm start` runs it (bot/src/server.ts in a child process), without
// BRIDGEPORT_ADMIN_TOKEN: what a first start does with the bootstrap token, a port already in
// use, and a database another bot or the key rotation holds.
const root = fileURLToPath(new URL("../../", import.meta.url));
const serverEntry = join(root, "bot/src/server.ts");
const PATH = process.env.PATH ?? "/usr/bin:/bin";

let dataDir: string;
let blocker: Server;
let takenPort: number;
const running: ManagedProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "bridgeport-start-up-"));
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  takenPort = (blocker.address() as { port: number }).port;
});
afterAll(async () => {
  for (const child of running) await child.stop();
  await new Promise((resolve) => blocker?.close(resolve));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function startBotProcess(name: string, port: number, dir = dataDir): ManagedProcess {
  const child = startProcess({
    name,
    argv: [process.execPath, "--import", "tsx", serverEntry],
    cwd: root,
    env: { PATH, PORT: String(port), HOST: "127.0.0.1", BRIDGEPORT_DATA_DIR: dir, LOG_LEVEL: "warn" },
  });
  running.push(child);
  return child;
}

const exitOf = (child: ManagedProcess) =>
  waitUntil(() => child.exitStatus() ?? undefined, { what: `${child.name} to exit`, timeoutMs: 30_000 });
/** What a child that exited wrote: its last output may still be on its way from the pipe. */
const lastWords = (child: ManagedProcess) =>
  waitUntil(() => child.output().trim(), { what: `${child.name}'s output`, timeoutMs: 5_000 });
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const tokenFile = () => join(dataDir, "bootstrap-token");
const lockFile = () => join(dataDir, "bridgeport.db.lock");
const bootstrapTokens = async (port: number, token: string) => {
  const res = await fetch(`http://127.0.0.1:${port}/api/tokens`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { tokens: { name: string; role: string }[] }).tokens;
};

describe("starting the bot", () => {
  let bot: ManagedProcess;
  let port: number;

  it("on a port already in use: one line naming PORT and HOST, a non-zero exit, no token made", async () => {
    const child = startBotProcess("bot on a taken port", takenPort);
    const exit = await exitOf(child);
    expect(exit.code).not.toBe(0);
    expect(await lastWords(child)).toBe(
      `PORT ${takenPort} on HOST 127.0.0.1 is already in use: stop what listens there, or set PORT to a free port`,
    );
    expect(await exists(tokenFile())).toBe(false);
    expect(await exists(lockFile())).toBe(false);
  });

  it("then on a free port: the bootstrap token goes to a 0600 file in the data dir, the log names only the file", async () => {
    port = await freePort();
    bot = startBotProcess("bot", port);
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
      what: "the bot to be ready",
      timeoutMs: 30_000,
      intervalMs: 100,
      process: bot,
    });
    const token = (await readFile(tokenFile(), "utf8")).trim();
    expect(token).toMatch(/^bp_[A-Za-z0-9_-]{43}$/);
    expect((await stat(tokenFile())).mode & 0o777).toBe(0o600);
    const log = bot.output();
    expect(log).not.toContain(token);
    const lines = log
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, file: tokenFile() }));
    expect(await bootstrapTokens(port, token)).toEqual([
      expect.objectContaining({ name: "bootstrap", role: "admin" }),
    ]);
  });

  it("a second bot on the same database refuses to start, naming the first one's PID", async () => {
    expect((await readFile(lockFile(), "utf8")).trim()).toBe(String(bot.pid));
    const second = startBotProcess("second bot", await freePort());
    const exit = await exitOf(second);
    expect(exit.code).not.toBe(0);
    expect(await lastWords(second)).toBe(
      `Another Bridgeport bot (PID ${bot.pid}) uses ${join(dataDir, "bridgeport.db")}: stop it first, or give this one its own BRIDGEPORT_DATA_DIR or DATABASE_URL (if no process ${bot.pid} runs, delete ${lockFile()})`,
    );
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it("rotate-master-key refuses while the bot runs, and rotates once it has stopped", async () => {
    const lines: string[] = [];
    const env = { BRIDGEPORT_DATA_DIR: dataDir };
    const before = await readdir(dataDir);
    await expect(rotateMasterKeyCommand({ env, log: (line) => lines.push(line) })).rejects.toThrow(
      `A Bridgeport bot (PID ${bot.pid}) uses ${join(dataDir, "bridgeport.db")}: stop it before rotating the master key (if no process ${bot.pid} runs, delete ${lockFile()})`,
    );
    expect(await readdir(dataDir)).toEqual(before);
    expect(lines).toEqual([]);

    expect(await bot.stop()).toMatchObject({ code: 0 });
    expect(await exists(lockFile())).toBe(false);
    await rotateMasterKeyCommand({ env, log: (line) => lines.push(line) });
    expect(lines.join("\n")).toContain("Re-encrypted");
    expect(await exists(lockFile())).toBe(false);
  });
});

describe("the bootstrap token on a terminal", () => {
  it("is printed to stderr only: stdout (the JSON log) never has it, and no file is written", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bridgeport-start-up-tty-"));
    try {
      const stdout = join(dir, "stdout.log");
      const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
      // script(1) gives the bot a pseudo-terminal; stdout goes to a file, stderr stays on the terminal.
      const command = `exec ${quote(process.execPath)} --import tsx ${quote(serverEntry)} > ${quote(stdout)}`;
      const terminal = startProcess({
        name: "bot on a terminal",
        argv: ["/usr/bin/script", "-qec", command, "/dev/null"],
        cwd: root,
        env: {
          PATH,
          SHELL: "/bin/sh",
          PORT: String(await freePort()),
          HOST: "127.0.0.1",
          BRIDGEPORT_DATA_DIR: join(dir, "data"),
          LOG_LEVEL: "info",
        },
      });
      running.push(terminal);
      const token = await waitUntil(() => /^ {2}(bp_[A-Za-z0-9_-]{43})\r?$/m.exec(terminal.output())?.[1], {
        what: "the token on the terminal",
        timeoutMs: 30_000,
        process: terminal,
      });
      await waitUntil(async () => (await readFile(stdout, "utf8")).includes('"msg":"bridgeport listening"'), {
        what: "the bot to log that it listens",
        timeoutMs: 30_000,
        process: terminal,
      });
      expect(await readFile(stdout, "utf8")).not.toContain(token);
      expect(await exists(join(dir, "data", "bootstrap-token"))).toBe(false);
      const pid = Number((await readFile(join(dir, "data", "bridgeport.db.lock"), "utf8")).trim());
      process.kill(pid, "SIGTERM");
      expect((await exitOf(terminal)).code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
