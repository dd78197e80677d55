import { startBotLab } from "../test/bot/bot-lab.js";

/**
 * The bot (`startBot`, as the server entry runs it) with its job runner stopped once started,
 * so queued sync jobs stay queued: the webhook-ingest bench's receiver-only run, doing the
 * same work as the bare peer. Configured by environment like the real entry.
 */
const env = Object.fromEntries(
  Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
);
const lab = await startBotLab(env);
await lab.bot.jobs.stop();
process.stdout.write(`bot listening on ${lab.url} with its job runner stopped\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    lab.bot.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
