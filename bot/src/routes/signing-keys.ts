import { NotFoundError, parsePublicKey, type SigningKey, type SigningKeyEvent } from "@bridgeport/core";
import { SIGNING_KEY_ACTIONS, SIGNING_KEY_ALGORITHMS } from "@bridgeport/core/values";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { badRequest } from "../http/bad-request.js";
import {
  apiRouter,
  errorResponses,
  idParams,
  idSchema,
  iso,
  jsonBody,
  jsonResponse,
} from "../http/openapi-router.js";
import { nameText } from "../http/text-input.js";

const tags = ["signing-keys"];
const envParams = z.object({ envId: idSchema.openapi({ param: { name: "envId", in: "path" } }) });

const SigningKeyJson = z
  .object({
    id: z.string(),
    environmentId: z.string(),
    name: z.string(),
    algorithm: z.enum(SIGNING_KEY_ALGORITHMS),
    fingerprint: z.string(),
    publicKeyPem: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi("SigningKey");
const SigningKeyEventJson = z
  .object({
    keyId: z.string(),
    keyName: z.string(),
    fingerprint: z.string(),
    action: z.enum(SIGNING_KEY_ACTIONS),
    actor: z.string(),
    at: z.string(),
  })
  .openapi("SigningKeyEvent");

const keyJson = (k: SigningKey): z.infer<typeof SigningKeyJson> => ({
  id: k.id,
  environmentId: k.environmentId,
  name: k.name,
  algorithm: k.algorithm,
  fingerprint: k.fingerprint,
  publicKeyPem: k.publicKeyPem,
  createdBy: k.createdBy,
  createdAt: iso(k.createdAt),
});
const eventJson = (e: SigningKeyEvent): z.infer<typeof SigningKeyEventJson> => ({
  keyId: e.keyId,
  keyName: e.keyName,
  fingerprint: e.fingerprint,
  action: e.action,
  actor: e.actor,
  at: iso(e.at),
});

const add = createRoute({
  method: "post",
  path: "/api/environments/{envId}/signing-keys",
  tags,
  request: {
    params: envParams,
    ...jsonBody(z.object({ name: nameText(100), publicKey: z.string().min(1).max(4096) }).strict()),
  },
  responses: {
    201: jsonResponse(z.object({ key: SigningKeyJson }), "Trusted from now on"),
    ...errorResponses,
  },
});
const list = createRoute({
  method: "get",
  path: "/api/environments/{envId}/signing-keys",
  tags,
  request: { params: envParams },
  responses: {
    200: jsonResponse(
      z.object({ keys: z.array(SigningKeyJson), events: z.array(SigningKeyEventJson) }),
      "The trusted keys, and the audit trail of their changes (newest first)",
    ),
    ...errorResponses,
  },
});
const remove = createRoute({
  method: "delete",
  path: "/api/signing-keys/{id}",
  tags,
  request: { params: idParams },
  responses: { 204: { description: "No longer trusted" }, ...errorResponses },
});

/**
 * The public keys an environment trusts to sign what it deploys (the signature policy): PEM
 * (cosign.pub), ECDSA P-256 or Ed25519. Every addition and removal is recorded with who made it.
 */
export function signingKeyRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  const environment = async (id: string) => {
    if (!(await store.environments.get(id))) throw new NotFoundError("Environment", id);
  };
  return apiRouter()
    .openapi(add, async (c) => {
      const { envId } = c.req.valid("param");
      await environment(envId);
      const { name, publicKey } = c.req.valid("json");
      const parsed = parsePublicKey(publicKey);
      if (!parsed.ok) throw badRequest("publicKey", parsed.problem);
      const key = await store.signingKeys.add({
        environmentId: envId,
        name,
        algorithm: parsed.algorithm,
        publicKeyPem: parsed.pem,
        fingerprint: parsed.fingerprint,
        createdBy: c.var.actor,
      });
      return c.json({ key: keyJson(key) }, 201);
    })
    .openapi(list, async (c) => {
      const { envId } = c.req.valid("param");
      await environment(envId);
      const [keys, events] = await Promise.all([
        store.signingKeys.list(envId),
        store.signingKeys.events(envId),
      ]);
      return c.json({ keys: keys.map(keyJson), events: events.map(eventJson) }, 200);
    })
    .openapi(remove, async (c) => {
      await store.signingKeys.remove(c.req.valid("param").id, c.var.actor);
      return c.body(null, 204);
    });
}
