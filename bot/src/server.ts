import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { startBot } from "./start.js";

// The Node entry point: `npm start` (README). Configuration errors stop the start with a message
// naming the variable; SIGINT/SIGTERM shut down cleanly.
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
const log = createLogger(config.LOG_LEVEL);
const bot = await startBot(config, log, process.env);
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
