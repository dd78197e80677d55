import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Json } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

// Each was stored as something else: NUL cut the text ("a\u0000b" read back "a"), a lone
// surrogate became U+FFFD, an escape sequence reached logs and terminals as it was.
const BAD = [
  ["NUL", "a\u0000b"],
  ["a lone surrogate", "a\ud800b"],
  ["an escape sequence", "a\u001b[31mb"],
  ["a line break", "a\nb"],
  ["a C1 control", "a\u0085b"],
] as const;

let lab: BotLab;
let envId: string;
let ids: Record<"registry" | "image" | "server" | "service", string>;
const api = (method: string, path: string, body?: unknown) => call(lab, method, path, body);
const created = async (method: string, path: string, body: unknown, key: string): Promise<string> => {
  const res = await api(method, path, body);
  expect(res.status, res.text).toBeLessThan(300);
  return res.body[key].id;
};

beforeAll(async () => {
  lab = await startBotLab();
  envId = await created("POST", "/api/environments", { name: "text" }, "environment");
  const registry = await created(
    "POST",
    `/api/environments/${envId}/registries`,
    { name: "reg", type: "public", registryUrl: "https://registry.example.com" },
    "registry",
  );
  const image = await created(
    "POST",
    `/api/environments/${envId}/container-images`,
    { name: "img", imageName: "registry.example.com/team/app" },
    "image",
  );
  const server = await created(
    "POST",
    `/api/environments/${envId}/servers`,
    { name: "srv", mode: "socket", socketPath: "/run/bridgeport-text.sock" },
    "server",
  );
  const service = await created(
    "POST",
    `/api/servers/${server}/services`,
    { name: "svc", containerName: "svc", containerImageId: image },
    "service",
  );
  ids = { registry, image, server, service };
});
afterAll(async () => {
  await lab?.stop();
});

/** Everything stored that a refused request might have added to, as one comparable value. */
async function everything(): Promise<Json> {
  const lists = await Promise.all(
    [
      "/api/environments",
      `/api/environments/${envId}/registries`,
      `/api/environments/${envId}/container-images`,
      `/api/environments/${envId}/servers`,
      "/api/tokens",
      "/api/github-repositories",
    ].map(async (path) => (await api("GET", path)).body),
  );
  const services = await lab.bot.deps.store.services.list({ serverId: ids.server });
  return { lists, services: services.map((s) => [s.id, s.name, s.updatedAt.toISOString()]) };
}

const creates: [string, string, () => [string, Json], string][] = [
  ["an environment", "name", () => ["/api/environments", { name: "$" }], "name"],
  [
    "a registry",
    "name",
    () => [
      `/api/environments/${envId}/registries`,
      { name: "$", type: "public", registryUrl: "https://r.example.com" },
    ],
    "name",
  ],
  [
    "a registry",
    "autoLinkPattern",
    () => [
      `/api/environments/${envId}/registries`,
      { name: "p", type: "public", registryUrl: "https://r.example.com", autoLinkPattern: "$" },
    ],
    "autoLinkPattern",
  ],
  [
    "an image",
    "name",
    () => [`/api/environments/${envId}/container-images`, { name: "$", imageName: "r.example.com/t/x" }],
    "name",
  ],
  [
    "a server",
    "name",
    () => [`/api/environments/${envId}/servers`, { name: "$", mode: "socket", socketPath: "/run/x.sock" }],
    "name",
  ],
  [
    "a server",
    "socketPath",
    () => [`/api/environments/${envId}/servers`, { name: "s2", mode: "socket", socketPath: "/run/$.sock" }],
    "socketPath",
  ],
  [
    "a service",
    "name",
    () => [
      `/api/servers/${ids.server}/services`,
      { name: "$", containerName: "c", containerImageId: ids.image },
    ],
    "name",
  ],
  ["a token", "name", () => ["/api/tokens", { name: "$" }], "name"],
  [
    "a GitHub repository",
    "images",
    () => [
      "/api/github-repositories",
      { repository: "acme/shop", images: ["$"], defaultEnvironment: "text" },
    ],
    "images.0",
  ],
];

const patches: [string, string, () => string][] = [
  ["an environment", "name", () => `/api/environments/${envId}`],
  ["a registry", "name", () => `/api/registries/${ids.registry}`],
  ["a registry", "autoLinkPattern", () => `/api/registries/${ids.registry}`],
  ["an image", "name", () => `/api/container-images/${ids.image}`],
  ["a server", "name", () => `/api/servers/${ids.server}`],
  ["a service", "name", () => `/api/services/${ids.service}`],
];

/** Puts `bad` where the template has "$", in any string of the body. */
function withValue(body: Json, bad: string): Json {
  return JSON.parse(JSON.stringify(body), (_key, value) =>
    typeof value === "string" ? value.replace("$", bad) : value,
  );
}

describe("text fields refuse control characters and lone surrogates on every route", () => {
  for (const [label, bad] of BAD) {
    it.each(creates)(
      `creating %s with ${label} in %s: 400, nothing stored`,
      async (_what, _f, build, field) => {
        const before = await everything();
        const [path, template] = build();
        const res = await api("POST", path, withValue(template, bad));
        expect(res.status, res.text).toBe(400);
        expect(res.body.error.startsWith(`${field}:`), res.body.error).toBe(true);
        expect(await everything()).toEqual(before);
      },
    );

    it.each(patches)(`changing %s with ${label} in %s: 400, unchanged`, async (_what, field, path) => {
      const before = (await api("GET", path())).body;
      const res = await api("PATCH", path(), { [field]: `x${bad}` });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.startsWith(`${field}:`), res.body.error).toBe(true);
      expect((await api("GET", path())).body).toEqual(before);
    });
  }

  it("still takes names with spaces and non-ASCII letters, trimmed", async () => {
    const res = await api("POST", `/api/environments/${envId}/container-images`, {
      name: "  Café web 🚀 ",
      imageName: "registry.example.com/team/cafe",
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.image.name).toBe("Café web 🚀");
  });
});
