import { serve } from "@hono/node-server";
import { Hono } from "hono";

// Placeholder entry until the bot service lands: answers /healthz so the run command is real.
const app = new Hono().get("/healthz", (c) => c.json({ status: "ok" }));
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  console.log(
    JSON.stringify({ level: "info", msg: "bridgeport listening", url: `http://${host}:${info.port}` }),
  );
});
