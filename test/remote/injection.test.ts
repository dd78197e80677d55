import { existsSync } from "node:fs";
import {
  ComposeError,
  ContainerNameError,
  composeUp,
  DockerLoginError,
  dockerLogin,
  healthCheckSchema,
  ImageReferenceError,
  inspectContainer,
  pullImage,
  replaceContainer,
} from "@bridgeport/core";
import { freePort, type RunnableImage, runnableImage, waitUntil } from "@bridgeport/test/harness";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { digestReference, type RemoteLab, startRemoteLab } from "./remote-lab.js";

const PWNED = "/tmp/pwned";
const hostile = [
  `x; touch ${PWNED}`,
  `$(touch ${PWNED})`,
  `\`touch ${PWNED}\``,
  `'; touch ${PWNED}; echo '`,
  `"; touch ${PWNED}; echo "`,
  `line\ntouch ${PWNED}`,
  `* ${PWNED} | tee ${PWNED} > ${PWNED}`,
];

let lab: RemoteLab;
let image: RunnableImage;
let ref: string;

beforeAll(async () => {
  expect(existsSync(PWNED), `${PWNED} exists before the test; remove it first`).toBe(false);
  lab = await startRemoteLab("127.0.0.6");
  image = await runnableImage(lab.registry, "remote-injection/web", "v1", {
    version: "v1",
    port: await freePort(),
  });
  ref = digestReference(lab.registry, image.repo, image.digest);
  await pullImage(lab.socketHost, ref, {
    server: lab.registry.host,
    username: lab.registry.username,
    password: lab.registry.password,
  });
});

afterEach(() => {
  expect(existsSync(PWNED)).toBe(false);
});

afterAll(async () => {
  await lab?.stop();
});

describe("refused by validation", () => {
  it.each(hostile)("a container name %j", async (name) => {
    await expect(replaceContainer(lab.sshHost.engine, name, ref)).rejects.toThrow(ContainerNameError);
    await expect(inspectContainer(lab.sshHost.engine, name)).rejects.toThrow(ContainerNameError);
  });

  it.each(hostile)("an image name or tag %j", async (text) => {
    const digest = image.digest;
    for (const candidate of [`${text}@${digest}`, `${lab.registry.host}/web:${text}`, `${ref}${text}`]) {
      await expect(pullImage(lab.sshHost, candidate, null)).rejects.toThrow(ImageReferenceError);
    }
  });

  it.each(hostile)("a compose service or project %j", async (text) => {
    await expect(
      composeUp(lab.ssh, { file: "/srv/app/docker-compose.yml", service: text }, ref),
    ).rejects.toThrow(ComposeError);
    await expect(
      composeUp(lab.ssh, { file: "/srv/app/docker-compose.yml", service: "web", projectName: text }, ref),
    ).rejects.toThrow(ComposeError);
  });

  it.each(hostile)("a registry host %j", async (text) => {
    const login = { server: `127.0.0.1:1${text}`, username: "u", password: "p" };
    await expect(dockerLogin(lab.ssh, login)).rejects.toThrow(DockerLoginError);
  });

  it.each(hostile)("a health check host or URL %j", (text) => {
    expect(healthCheckSchema.safeParse({ kind: "tcp", host: text, port: 80 }).success).toBe(false);
    // Each carries whitespace, which no URL may; a URL is only ever passed as one quoted argument.
    expect(healthCheckSchema.safeParse({ kind: "http", url: `http://127.0.0.1/${text}` }).success).toBe(
      false,
    );
  });
});

describe("passed inertly", () => {
  it.each(hostile)("as an SSH command argument %j", async (text) => {
    const result = await lab.ssh.exec(["printf", "%s", text], { timeoutMs: 10_000 });
    expect(result).toMatchObject({ code: 0, stdout: text });
  });

  it.each(hostile)("as a docker login user name %j (a line break is refused)", async (text) => {
    const login = { server: lab.registry.host, username: text, password: "not-it" };
    const expected = text.includes("\n")
      ? /^docker login failed: invalid user name$/
      : /^docker login failed: .*401/;
    await expect(dockerLogin(lab.ssh, login)).rejects.toThrow(expected);
  });

  it("as env values and labels a replacement carries over byte for byte", async () => {
    const env = hostile.map((value, i) => `EVIL_${i}=${value}`);
    const labels = Object.fromEntries(hostile.map((value, i) => [`evil.${i}`, value]));
    await lab.socketHost.engine.call("POST", "/containers/create", {
      query: { name: "evil-env" },
      body: { Image: ref, Env: env, Labels: labels, HostConfig: { NetworkMode: "host" } },
    });
    await lab.socketHost.engine.call("POST", "/containers/evil-env/start");
    const fresh = await runnableImage(lab.registry, "remote-injection/web", "v2", {
      version: "v2",
      port: image.port,
    });
    const freshRef = digestReference(lab.registry, fresh.repo, fresh.digest);
    await pullImage(lab.socketHost, freshRef, {
      server: lab.registry.host,
      username: lab.registry.username,
      password: lab.registry.password,
    });
    const replacement = await replaceContainer(lab.sshHost.engine, "evil-env", freshRef, {
      stopTimeoutSeconds: 1,
    });
    await replacement.commit();
    const after = await inspectContainer(lab.sshHost.engine, "evil-env");
    expect(after?.Config.Env).toEqual(expect.arrayContaining(env));
    expect(after?.Config.Labels).toMatchObject(labels);
    await waitUntil(
      async () =>
        (await fetch(`http://127.0.0.1:${image.port}/`).then(
          (r) => r.text(),
          () => "",
        )) === "v2\n",
      { what: "the replacement to serve", timeoutMs: 15_000 },
    );
  });
});
