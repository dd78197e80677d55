import {
  type ChannelSecrets,
  type ChannelTarget,
  type NewNotificationChannel,
  NOTIFICATION_EVENTS,
  type NotificationChannel,
  type NotificationChannelPatch,
} from "@bridgeport/core";
import { badRequest } from "../http/bad-request.js";
import { definedOnly } from "../http/defined-only.js";
import {
  type ChannelCreate,
  type ChannelPatch,
  EMAIL_FIELDS,
  emailAuthProblem,
  URL_RULES,
} from "./channel-input.js";

/** A create body as the store keeps it: the target in the clear, the secrets apart. */
export function newChannel(environmentId: string, input: ChannelCreate): NewNotificationChannel {
  const base = {
    environmentId,
    name: input.name,
    kind: input.kind,
    events: input.events ?? [...NOTIFICATION_EVENTS],
    ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
  };
  if (input.kind !== "email") {
    const secrets: ChannelSecrets = {
      url: input.url,
      ...(input.kind === "webhook" ? { secret: input.secret } : {}),
    };
    return { ...base, target: { kind: input.kind, host: new URL(input.url).host }, secrets };
  }
  return {
    ...base,
    target: {
      kind: "email",
      host: input.host,
      port: input.port,
      security: input.security,
      username: input.username ?? null,
      from: input.from,
      to: input.to,
      caCertificate: input.caCertificate ?? null,
    },
    secrets: input.password ? { password: input.password } : {},
  };
}

const URL_KIND_FIELDS = ["url", "secret"] as const;

/**
 * A PATCH body applied to `current`, checked as a whole: fields the channel's kind lacks are
 * refused by name, a new URL follows its kind's rule, and the stored SMTP password is never
 * sent to another server unless it is sent again with the change.
 */
export function channelPatch(current: NotificationChannel, body: ChannelPatch): NotificationChannelPatch {
  const input = definedOnly(body);
  const meta = {
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.events === undefined ? {} : { events: input.events }),
    ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
  };
  const target = current.target;
  if (target.kind !== "email") {
    const stray = EMAIL_FIELDS.find((f) => f in input);
    if (stray) throw badRequest(stray, `a ${current.kind} channel has no ${stray}`);
    if (input.secret !== undefined && current.kind !== "webhook")
      throw badRequest(
        "secret",
        `only webhook channels sign their messages; a ${current.kind} channel has no secret`,
      );
    const secrets: NotificationChannelPatch["secrets"] = {};
    let host = target.host;
    if (input.url !== undefined) {
      const rule = URL_RULES[target.kind].safeParse(input.url);
      if (!rule.success) throw badRequest("url", rule.error.issues[0]?.message ?? "invalid");
      secrets.url = input.url;
      host = new URL(input.url).host;
    }
    if (input.secret !== undefined) secrets.secret = input.secret;
    return { ...meta, target: { ...target, host }, ...(Object.keys(secrets).length > 0 ? { secrets } : {}) };
  }
  const stray = URL_KIND_FIELDS.find((f) => f in input);
  if (stray) throw badRequest(stray, `an email channel has no ${stray}`);
  const next: ChannelTarget = {
    ...target,
    ...(input.host === undefined ? {} : { host: input.host }),
    ...(input.port === undefined ? {} : { port: input.port }),
    ...(input.security === undefined ? {} : { security: input.security }),
    ...("username" in input ? { username: input.username ?? null } : {}),
    ...(input.from === undefined ? {} : { from: input.from }),
    ...(input.to === undefined ? {} : { to: input.to }),
    ...("caCertificate" in input ? { caCertificate: input.caCertificate ?? null } : {}),
  };
  const stored = current.secretFields.includes("password");
  const password = "password" in input ? (input.password ? "set" : "unset") : stored ? "set" : "unset";
  const moved = (["host", "port"] as const).find((f) => input[f] !== undefined && input[f] !== target[f]);
  if (moved && stored && !("password" in input)) {
    throw badRequest(
      moved,
      "this sends the stored password to another server: send password again in the same request (or password: null)",
    );
  }
  const problem = emailAuthProblem({ security: next.security, username: next.username, password });
  if (problem) throw badRequest(problem.field, problem.message);
  return {
    ...meta,
    target: next,
    ...("password" in input ? { secrets: { password: input.password ?? null } } : {}),
  };
}
