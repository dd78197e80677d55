import {
  type ContainerInspect,
  ContainerReplaceError,
  imageDigestOf,
  inspectContainer,
  listContainers,
  pruneImages,
  pullImage,
  recoverReplacement,
  replaceContainer,
} from "@bridgeport/core";
import { freePort, type RunnableImage, runnableImage, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestReference, type RemoteLab, startRemoteLab } from "./remote-lab.js";

let lab: RemoteLab;
let port: number;
let v1: RunnableImage;
let v2: RunnableImage;
let ref1: string;
let ref2: string;
const NAME = "web";
const fast = { stopTimeoutSeconds: 1 };

beforeAll(async () => {
  lab = await startRemoteLab("127.0.0.4");
  port = await freePort();
  v1 = await runnableImage(lab.registry, "remote-replace/web", "v1", { version: "v1", port });
  v2 = await runnableImage(lab.registry, "remote-replace/web", "v2", { version: "v2", port });
  ref1 = digestReference(lab.registry, v1.repo, v1.digest);
  ref2 = digestReference(lab.registry, v2.repo, v2.digest);
  const login = {
    server: lab.registry.host,
    username: lab.registry.username,
    password: lab.registry.password,
  };
  await pullImage(lab.socketHost, ref1, login);
  await pullImage(lab.socketHost, ref2, login);
  // The container as a person started it: env, label, restart policy, exposed port, a named and
  // an anonymous volume, and a command of its own instead of the image's.
  const run = await lab.ssh.exec(
    [
      "docker",
      "run",
      "-d",
      "--name",
      NAME,
      "--network",
      "host",
      "--restart",
      "unless-stopped",
      "-e",
      "FOO=bar",
      "--label",
      "team=core",
      "--expose",
      "9999",
      "-v",
      "remote-replace-data:/data",
      "-v",
      "/cache",
      ref1,
      "httpd",
      "-f",
      "-p",
      String(port),
      "-h",
      "/www",
    ],
    { timeoutMs: 30_000 },
  );
  expect(run.code, run.stderr).toBe(0);
  await servesVersion("v1");
});

afterAll(async () => {
  await lab?.stop();
});

describe("replaceContainer", () => {
  it("runs the new digest with the container's own settings, the previous one kept stopped", async () => {
    const before = await mustInspect(NAME);
    const replacement = await replaceContainer(lab.sshHost.engine, NAME, ref2, fast);
    await servesVersion("v2");
    const after = await mustInspect(NAME);
    expect(after.Id).toBe(replacement.containerId);
    expect(after.Config.Image).toBe(ref2);
    expect((await imageDigestOf(lab.sshHost.engine, after)).digest).toBe(v2.digest);
    expect(after.Config.Env).toEqual(expect.arrayContaining(["FOO=bar", `PORT=${port}`, "APP_VERSION=v2"]));
    expect(after.Config.Env).not.toContain("APP_VERSION=v1");
    expect(after.Config.Labels).toMatchObject({ team: "core", "org.bridgeport.test.version": "v2" });
    expect(after.Config.Cmd).toEqual(["httpd", "-f", "-p", String(port), "-h", "/www"]);
    expect(after.Config.ExposedPorts).toHaveProperty(["9999/tcp"]);
    expect(after.HostConfig.NetworkMode).toBe("host");
    expect(after.HostConfig.RestartPolicy?.Name).toBe("unless-stopped");
    expect(volumes(after)).toEqual(volumes(before));

    const previous = await mustInspect(`${NAME}.bridgeport-previous`);
    expect(previous.Id).toBe(before.Id);
    expect(previous.State.Running).toBe(false);
    expect(previous.HostConfig.RestartPolicy?.Name).toBe("no");

    await replacement.rollback();
    await servesVersion("v1");
    const restored = await mustInspect(NAME);
    expect(restored.Id).toBe(before.Id);
    expect(restored.State.Running).toBe(true);
    expect(restored.HostConfig.RestartPolicy?.Name).toBe("unless-stopped");
    expect(await names()).toEqual([NAME]);
  });

  it("commits: the previous container is removed and the new digest stays", async () => {
    const replacement = await replaceContainer(lab.sshHost.engine, NAME, ref2, fast);
    await replacement.commit();
    await servesVersion("v2");
    expect(await names()).toEqual([NAME]);
    const running = await imageDigestOf(lab.sshHost.engine, await mustInspect(NAME));
    expect(running).toMatchObject({ digest: v2.digest, repoDigest: ref2 });
  });

  it("undoes an interrupted replacement before anything else (the previous one is the known good)", async () => {
    const committed = await mustInspect(NAME);
    await replaceContainer(lab.sshHost.engine, NAME, ref1, fast); // then the bot "crashes": no verdict
    await servesVersion("v1");
    expect(await recoverReplacement(lab.sshHost.engine, NAME)).toBe("rolled-back");
    await servesVersion("v2");
    expect((await mustInspect(NAME)).Id).toBe(committed.Id);
    expect(await names()).toEqual([NAME]);
    expect(await recoverReplacement(lab.sshHost.engine, NAME)).toBe("nothing-to-do");
  });

  it("removes a replacement that was created but never took over", async () => {
    const created = await lab.ssh.exec(["docker", "create", "--name", `${NAME}.bridgeport-next`, ref1], {
      timeoutMs: 30_000,
    });
    expect(created.code, created.stderr).toBe(0);
    expect(await recoverReplacement(lab.sshHost.engine, NAME)).toBe("removed-unstarted");
    expect(await names()).toEqual([NAME]);
  });

  it("fails before touching the running container when the image is missing", async () => {
    const missing = `${lab.registry.host}/remote-replace/web@sha256:${"0".repeat(64)}`;
    const before = await mustInspect(NAME);
    await expect(replaceContainer(lab.sshHost.engine, NAME, missing, fast)).rejects.toThrow(/No such image/i);
    const after = await mustInspect(NAME);
    expect(after.Id).toBe(before.Id);
    expect(after.State.Running).toBe(true);
    expect(await names()).toEqual([NAME]);
  });

  it("refuses an unknown container", async () => {
    await expect(replaceContainer(lab.sshHost.engine, "nope", ref2, fast)).rejects.toThrow(
      ContainerReplaceError,
    );
  });
});

describe("discovery and pruning", () => {
  it("lists containers with their image, repo digests, labels and state", async () => {
    const [web] = (await listContainers(lab.sshHost.engine)).filter((container) => container.name === NAME);
    expect(web).toMatchObject({ image: ref2, state: "running", labels: { team: "core" } });
    expect(web?.repoDigests).toContain(ref2);
  });

  // Images pulled by digest carry no tag, so Docker counts an unused one as dangling too.
  it.each([
    { mode: "dangling", taggedSurvives: true },
    { mode: "all", taggedSurvives: false },
  ] as const)(
    "prunes $mode images: unused digest pulls go, a tagged one survives: $taggedSurvives",
    async ({ mode, taggedSurvives }) => {
      const login = {
        server: lab.registry.host,
        username: lab.registry.username,
        password: lab.registry.password,
      };
      await pullImage(lab.socketHost, ref1, login);
      const tagged = await runnableImage(lab.registry, "remote-replace/tagged", mode, { version: mode });
      const taggedRef = digestReference(lab.registry, tagged.repo, tagged.digest);
      await pullImage(lab.socketHost, taggedRef, login);
      await lab.socketHost.engine.call("POST", `/images/${taggedRef}/tag`, {
        query: { repo: "kept/by-tag", tag: mode },
      });

      const result = await pruneImages(lab.socketHost.engine, mode);
      expect(result.spaceReclaimedBytes).toBeGreaterThan(0);
      expect(result.spaceReclaimedHuman).toMatch(/^\d+(\.\d+)?(B|kB|MB|GB)$/);
      expect(await imageExists(ref1)).toBe(false);
      expect(await imageExists(ref2)).toBe(true); // the running container's image
      expect(await imageExists(`kept/by-tag:${mode}`)).toBe(taggedSurvives);
    },
  );
});

async function imageExists(reference: string): Promise<boolean> {
  const response = await lab.socketHost.engine.call("GET", `/images/${reference}/json`, { accept: [404] });
  return response.status === 200;
}

async function mustInspect(name: string): Promise<ContainerInspect> {
  const container = await inspectContainer(lab.sshHost.engine, name);
  if (container === null) throw new Error(`no container ${name}`);
  return container;
}

async function names(): Promise<string[]> {
  return (await listContainers(lab.socketHost.engine)).map((container) => container.name).sort();
}

function volumes(container: ContainerInspect): string[] {
  return (container.Mounts ?? []).map((mount) => `${mount.Name ?? "?"}:${mount.Destination}`).sort();
}

async function servesVersion(version: string): Promise<void> {
  await waitUntil(
    async () =>
      (await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.text(),
        () => "",
      )) === `${version}\n`,
    { what: `port ${port} to serve ${version}`, timeoutMs: 15_000 },
  );
}
