import { writeFile } from "node:fs/promises";
import { runCommand } from "./run-command.js";
import type { RegistryUser } from "./users.js";

/**
 * Writes an htpasswd file with bcrypt hashes for `users`. Each password goes to `htpasswd -i`
 * on stdin, never into argv. Cost 4 (the lowest) because the registry checks the hash on every
 * request and the harness pushes thousands.
 *
 * @example
 * await writeHtpasswd(join(dir, "htpasswd"), [{ username: "alice", password }]);
 */
export async function writeHtpasswd(path: string, users: readonly RegistryUser[]): Promise<void> {
  const lines = await Promise.all(
    users.map(async ({ username, password }) => {
      if (username === "" || username.includes(":") || /\s/.test(username)) {
        throw new Error(`invalid htpasswd user name ${JSON.stringify(username)}`);
      }
      const { stdout } = await runCommand(["htpasswd", "-niB", "-C", "4", username], { stdin: password });
      return stdout.trim();
    }),
  );
  await writeFile(path, `${lines.join("\n")}\n`, { mode: 0o600 });
}
