import {
  type ContainerReplacement,
  commitReplacement,
  type DockerHost,
  ensureRegistryLogin,
  pullImage,
  recoverReplacement,
  replaceContainer,
  runningDigest,
} from "../../remote/index.js";
import { checkServiceHealth } from "../service-health.js";
import type { Target, TargetContext } from "./target.js";

/**
 * A plain container (or compose service container) on a Docker host: the registry login (once
 * per server and plan), the pull by digest, and the replacement that keeps the previous
 * container stopped under `<name>.bridgeport-previous` until the plan commits or rolls back.
 * Health is the service's check, else the image's HEALTHCHECK, else "still running".
 *
 * @example
 * const target = dockerContainerTarget(ctx);
 * await target.deploy(step, io); // => { previousId: "4f2c..." }
 * (await target.verify(step, io)).healthy ? await target.commit(step) : await target.restore(step, io);
 */
export function dockerContainerTarget(ctx: TargetContext): Target {
  const replacements = new Map<string, ContainerReplacement>();
  const logins = new Map<string, Promise<string>>();
  const host = (serverId: string) => ctx.hosts.host(serverId);
  const login = (server: DockerHost) => {
    let pending = logins.get(server.serverId);
    if (!pending) {
      pending = ctx.registry().then((access) => ensureRegistryLogin(server, access, ctx.loginCache));
      logins.set(server.serverId, pending);
    }
    return pending;
  };
  return {
    async current(service) {
      return runningDigest((await host(service.serverId)).engine, service.containerName, ctx.imageRef);
    },

    async deploy(step, io) {
      const server = await host(step.serverId);
      const reference = `${ctx.imageRef}@${step.toDigest}`;
      await io.log(`registry login: ${await login(server)}`);
      const pulled = await pullImage(server, reference, (await ctx.registry()).login);
      await io.log(`pulled ${pulled.digest}`);
      const replacement = await replaceContainer(server.engine, step.containerName, reference);
      replacements.set(step.serviceId, replacement);
      await io.log(`replaced ${step.containerName}; previous container kept stopped`);
      return { previousId: replacement.previousId };
    },

    async verify(step, io) {
      return checkServiceHealth(
        await host(step.serverId),
        step.containerName,
        ctx.healthCheckOf(step.serviceId),
        {
          ...(ctx.settleMs === undefined ? {} : { settleMs: ctx.settleMs }),
          ...(io.signal ? { signal: io.signal } : {}),
          ...(io.onAttempt ? { onAttempt: io.onAttempt } : {}),
        },
      );
    },

    async restore(step) {
      const replacement = replacements.get(step.serviceId);
      replacements.delete(step.serviceId);
      if (replacement) {
        await replacement.rollback();
        return true;
      }
      // After a restart: what the server holds says whether a replacement was left unfinished.
      const outcome = await recoverReplacement((await host(step.serverId)).engine, step.containerName);
      return outcome === "rolled-back";
    },

    async commit(step) {
      replacements.delete(step.serviceId);
      await commitReplacement((await host(step.serverId)).engine, step.containerName);
    },

    async resume() {
      // A container replacement cut off before its verdict leaves nothing that tells how it ended.
      return { state: "undecided", detail: "the replacement never got its health verdict" };
    },
  };
}
