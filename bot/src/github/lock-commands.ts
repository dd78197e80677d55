import { environmentLockScope } from "@bridgeport/core";
import type { CommandContext, CommandDeps } from "./command-context.js";
import { escapeText } from "./messages.js";

/**
 * `/lock [reason]` on the repository's default environment: held by the commenter's login,
 * it refuses every deploy there ("locked by <login>: <reason>") until `/unlock`.
 */
export async function lockCommand(deps: CommandDeps, ctx: CommandContext, reason: string | null) {
  const environment = await deps.store.environments.findByName(ctx.config.defaultEnvironment);
  if (!environment)
    return ctx.talk.reply(`⚠️ There is no environment \`${ctx.config.defaultEnvironment}\` in Bridgeport.`);
  const taken = await deps.store.locks.acquire({
    scopes: [environmentLockScope(environment.id)],
    holder: ctx.login,
    reason,
  });
  if (!taken.acquired) {
    const { holder, reason: why } = taken.heldBy;
    return ctx.talk.reply(
      `🔒 ${environment.name} is already locked by ${escapeText(holder)}${why ? `: ${escapeText(why)}` : ""}.`,
    );
  }
  await deps.notifier?.notify({
    kind: "lock_changed",
    environmentId: environment.id,
    locked: true,
    holder: ctx.login,
    reason,
  });
  await ctx.talk.reply(
    `🔒 ${environment.name} is locked by ${ctx.login}${reason ? `: ${escapeText(reason)}` : ""}. Deploys there are refused until \`/unlock\`.`,
  );
}

/** `/unlock`: the holder, or a repository admin, releases the default environment's lock. */
export async function unlockCommand(deps: CommandDeps, ctx: CommandContext) {
  const environment = await deps.store.environments.findByName(ctx.config.defaultEnvironment);
  if (!environment)
    return ctx.talk.reply(`⚠️ There is no environment \`${ctx.config.defaultEnvironment}\` in Bridgeport.`);
  const scope = environmentLockScope(environment.id);
  const lock = (await deps.store.locks.list()).find((l) => l.scope === scope);
  if (!lock) return ctx.talk.reply(`🔓 ${environment.name} is not locked.`);
  if (lock.holder !== ctx.login && ctx.permission !== "admin") {
    return ctx.talk.reply(
      `🔒 ${environment.name} is locked by ${escapeText(lock.holder)}; only they or a repository admin can unlock it.`,
    );
  }
  await deps.store.locks.release([scope], lock.holder);
  await deps.notifier?.notify({
    kind: "lock_changed",
    environmentId: environment.id,
    locked: false,
    holder: lock.holder,
    reason: lock.reason,
  });
  await ctx.talk.reply(
    `🔓 ${environment.name} is unlocked${lock.holder === ctx.login ? "" : ` (it was locked by ${escapeText(lock.holder)})`}.`,
  );
}
