import { randomBytes } from "node:crypto";
import { chown, link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { runHostCommand } from "./host-command.js";
import { withHostLock } from "./host-lock.js";
import { generateSshKeyPair } from "./host-ssh-keys.js";

export const DEFAULT_TEST_USER = "bridgeport-test";
export const DOCKER_GROUP = "docker";

/** A local login account that SSH tests log in as; its `docker` reaches whatever DOCKER_HOST sshd sets. */
export interface LinuxUser {
  username: string;
  uid: number;
  gid: number;
  home: string;
  password: string;
  /** OpenSSH private key text whose public half is in `~/.ssh/authorized_keys`. */
  privateKey: string;
  publicKey: string;
}

const Credentials = z.object({ password: z.string().min(16), privateKey: z.string(), publicKey: z.string() });
type Credentials = z.infer<typeof Credentials>;

/**
 * Creates (or repairs) the test user: home directory, shell /bin/sh, member of `docker`, a password
 * (set through chpasswd's stdin) and one authorized key. Safe to call again and from parallel
 * test workers: the credentials are made once per machine and kept in a root-only file, so every
 * caller gets the same password and key.
 */
export async function ensureLinuxUser(username: string = DEFAULT_TEST_USER): Promise<LinuxUser> {
  if (!/^[a-z_][a-z0-9_-]{0,30}$/.test(username)) throw new Error(`invalid user name ${username}`);
  const stateDir = join(tmpdir(), `bridgeport-linux-user-${username}`);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  return withHostLock(join(stateDir, "lock"), async () => {
    const credentials = await loadOrCreateCredentials(stateDir, username);
    await ensureDockerGroup();
    const { uid, gid, home } = await ensureAccount(username);
    await setPassword(username, credentials.password);
    await writeAuthorizedKeys(home, uid, gid, credentials.publicKey);
    return { username, uid, gid, home, ...credentials };
  });
}

/** Creates the `docker` group if missing: dockerd hands its socket to this group. */
export async function ensureDockerGroup(): Promise<void> {
  if (await exists("group", DOCKER_GROUP)) return;
  try {
    await runHostCommand(["groupadd", "--system", DOCKER_GROUP]);
  } catch (error) {
    // Another worker may have created it meanwhile, which is what we wanted.
    if (!(await exists("group", DOCKER_GROUP))) throw error;
  }
}

async function loadOrCreateCredentials(stateDir: string, username: string): Promise<Credentials> {
  const file = join(stateDir, "credentials.json");
  try {
    return Credentials.parse(JSON.parse(await readFile(file, "utf8")));
  } catch (error) {
    // No cause attached: a JSON parse error quotes the file, and the file holds the password.
    if (!isMissingFile(error)) throw new Error(`unreadable ${file}; delete it to start afresh`);
  }
  const keys = generateSshKeyPair(username);
  const credentials = {
    password: randomBytes(24).toString("base64url"),
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
  };
  const draft = `${file}.${process.pid}`;
  await writeFile(draft, JSON.stringify(credentials), { mode: 0o600 });
  await link(draft, file);
  await rm(draft);
  return credentials;
}

async function ensureAccount(username: string): Promise<PasswdEntry> {
  if (await exists("passwd", username)) {
    // An older run (or a person) may have left the account with another shell or without the group.
    await runHostCommand(["usermod", "--shell", "/bin/sh", "--append", "--groups", DOCKER_GROUP, username]);
  } else {
    await runHostCommand([
      "useradd",
      "--create-home",
      "--shell",
      "/bin/sh",
      "--groups",
      DOCKER_GROUP,
      username,
    ]);
  }
  const entry = await passwdEntry(username);
  await mkdir(entry.home, { recursive: true, mode: 0o755 });
  await chown(entry.home, entry.uid, entry.gid);
  return entry;
}

interface PasswdEntry {
  uid: number;
  gid: number;
  home: string;
}

async function passwdEntry(username: string): Promise<PasswdEntry> {
  const stdout = await runHostCommand(["getent", "passwd", username]);
  const [, , uid, gid, , home] = stdout.trim().split(":");
  if (uid === undefined || gid === undefined || home === undefined)
    throw new Error(`odd passwd entry for ${username}`);
  return { uid: Number(uid), gid: Number(gid), home };
}

async function exists(database: "passwd" | "group", name: string): Promise<boolean> {
  // getent exits 2 for "no such entry"; any other failure resurfaces at the next step.
  return runHostCommand(["getent", database, name]).then(
    () => true,
    () => false,
  );
}

async function setPassword(username: string, password: string): Promise<void> {
  // quiet: keep chpasswd's stderr, which is about the password, out of the error message.
  await runHostCommand(["chpasswd"], { stdin: `${username}:${password}\n`, quiet: true });
}

async function writeAuthorizedKeys(home: string, uid: number, gid: number, publicKey: string): Promise<void> {
  const sshDir = join(home, ".ssh");
  await mkdir(sshDir, { recursive: true, mode: 0o700 });
  await chown(sshDir, uid, gid);
  const file = join(sshDir, "authorized_keys");
  const draft = `${file}.${process.pid}`;
  await writeFile(draft, `${publicKey}\n`, { mode: 0o600 });
  await chown(draft, uid, gid);
  // Renaming keeps a concurrent login from reading a half-written file.
  await rename(draft, file);
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}
