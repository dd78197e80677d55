import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { type RunningBot, startBot } from "./start.js";

// The Node entry point: `npm start` (README). A start the configuration prevents (an invalid
// variable, a port in use, a database another bot holds) stops with a message saying what to
// change, no stack trace; SIGINT/SIGTERM shut down cleanly.
let bot: RunningBot;
let log: ReturnType<typeof createLogger>;
try {
  const config = loadConfig(process.env);
  log = createLogger(config.LOG_LEVEL);
  bot = await startBot(config, log, process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log.info({ signal }, "shutting down");
    bot.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: String(error) }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}
