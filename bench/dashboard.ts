import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { shippedClientBytes } from "../bot/src/dashboard/assets.js";
import { startBotLab } from "../test/bot/bot-lab.js";
import { startBrowser } from "../test/dashboard/browser.js";
import { DIGESTS, HISTORY, PLAN_SERVICES, seedDashboardWorld } from "./dashboard-world.js";
import type { BenchResult } from "./run.js";

/**
 * The dashboard's two heaviest pages, rendered by the real bot over loopback: the image page of
 * an image with 1,000 digests and 200 history entries, and the page of a 20-service plan. Each
 * is asked REQUESTS times after a warm-up, side by side with its peer, the JSON API answer of
 * the same data (`GET /api/container-images/:id/digests`, `GET /api/deployment-plans/:id`),
 * in turn so the machine's noise falls on both. Server time is the page's Server-Timing; the
 * round trip (request to last byte) is measured for page and peer alike. Then, in a real
 * Chromium, how long a plan event takes from the plan runner to the page's DOM.
 */
const REQUESTS = 50;
const WARM_UP = 5;
const LIVE_PLANS = 10;
const TARGETS = { pageMs: 50, jsKbGzip: 50, firstEventMs: 250 };

const p50 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN).toFixed(2));
};
const max = (values: number[]) => Number(Math.max(...values).toFixed(2));
/** Wall time, and the CPU time this process spent (the bot and the client are both in it). */
const since = (started: number, cpu: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(cpu);
  return { roundTrip: performance.now() - started, cpu: (used.user + used.system) / 1000 };
};

export default async function dashboard(): Promise<BenchResult> {
  const loadBefore = loadavg()[0] ?? 0;
  const lab = await startBotLab();
  const browser = await startBrowser();
  try {
    const world = await seedDashboardWorld(lab.bot.deps.store);
    const cookie = await signIn(lab.url, lab.token);
    const page = async (path: string) => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const response = await fetch(`${lab.url}${path}`, { headers: { cookie } });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
      const timing = /page;dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "")?.[1];
      return { server: Number(timing), ...since(started, cpu), bytes: body.length };
    };
    const api = async (path: string) => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const response = await lab.api(path);
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
      return { ...since(started, cpu), bytes: body.length };
    };
    const sideBySide = async (pagePath: string, apiPath: string) => {
      for (let i = 0; i < WARM_UP; i++) await Promise.all([page(pagePath), api(apiPath)]);
      const pages: Awaited<ReturnType<typeof page>>[] = [];
      const apis: Awaited<ReturnType<typeof api>>[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        pages.push(await page(pagePath));
        apis.push(await api(apiPath));
      }
      return {
        server_ms_p50: p50(pages.map((r) => r.server)),
        server_ms_max: max(pages.map((r) => r.server)),
        round_trip_ms_p50: p50(pages.map((r) => r.roundTrip)),
        cpu_ms_p50: p50(pages.map((r) => r.cpu)),
        html_bytes: pages[0]?.bytes ?? 0,
        api_round_trip_ms_p50: p50(apis.map((r) => r.roundTrip)),
        api_cpu_ms_p50: p50(apis.map((r) => r.cpu)),
        api_json_bytes: apis[0]?.bytes ?? 0,
      };
    };
    const imagePage = await sideBySide(
      `/images/${world.bigImageId}`,
      `/api/container-images/${world.bigImageId}/digests`,
    );
    const planPage = await sideBySide(
      `/plans/${world.bigPlanId}`,
      `/api/deployment-plans/${world.bigPlanId}`,
    );

    // A plan event to the DOM: the page is open and its live stream connected before the plan starts.
    const { context } = browser;
    await context.addCookies([
      { name: "bridgeport_session", value: cookie.split("=")[1] ?? "", url: lab.url },
    ]);
    const firstEvents: number[] = [];
    for (let i = 0; i < LIVE_PLANS; i++) {
      const planId = await world.newLivePlan();
      await browser.page.goto(`${lab.url}/plans/${planId}`);
      await browser.page.getByText("● Live").waitFor();
      await browser.page.evaluate(FIRST_LINE_OBSERVER);
      let emittedAt = 0;
      const unsubscribe = await lab.bot.deps.plans.subscribe(planId, () => {
        emittedAt ||= Date.now();
      });
      lab.bot.deps.plans.start(planId);
      const shownAt = Number(
        await (await browser.page.waitForFunction("window.firstLineAt || 0")).jsonValue(),
      );
      unsubscribe();
      firstEvents.push(shownAt - emittedAt);
      await lab.bot.deps.plans.idle();
    }
    const { js, css } = shippedClientBytes();
    const result = {
      image_page_ms: imagePage.server_ms_p50,
      plan_page_ms: planPage.server_ms_p50,
      js_kb_gzip: Number((js / 1024).toFixed(2)),
      css_kb_gzip: Number((css / 1024).toFixed(2)),
      first_event_ms: p50(firstEvents),
      first_event_ms_max: max(firstEvents),
      load_average: { before: loadBefore, after: loadavg()[0] ?? 0, cores: cpus().length },
      image_page: imagePage,
      plan_page: planPage,
      targets: TARGETS,
      notes: {
        image_page_ms: `Server-Timing p50 of ${REQUESTS} requests: the image page of an image with ${DIGESTS} digests and ${HISTORY} history entries`,
        plan_page_ms: `Server-Timing p50 of ${REQUESTS} requests: the page of a ${PLAN_SERVICES}-service plan`,
        api_round_trip_ms_p50:
          "the peer: the JSON API's answer of the same data, asked in turn with the page",
        first_event_ms: `p50 over ${LIVE_PLANS} plans: the plan runner's first event to its line in the page's DOM (Chromium)`,
        js_kb_gzip: "the client script shipped, gzipped (what the bot sends with Accept-Encoding: gzip)",
        cpu_ms_p50:
          "CPU time the request cost this process (bot and client): on a machine whose load average is many times its cores, wall times are mostly waiting for a core",
      },
    };
    const met =
      result.image_page_ms <= TARGETS.pageMs &&
      result.plan_page_ms <= TARGETS.pageMs &&
      result.js_kb_gzip <= TARGETS.jsKbGzip &&
      result.first_event_ms <= TARGETS.firstEventMs;
    return {
      ...result,
      summary:
        `image page ${result.image_page_ms} ms, ${imagePage.cpu_ms_p50} ms CPU (JSON API ${imagePage.api_round_trip_ms_p50} ms, ${imagePage.api_cpu_ms_p50} ms CPU), ` +
        `plan page ${result.plan_page_ms} ms, ${planPage.cpu_ms_p50} ms CPU (JSON API ${planPage.api_round_trip_ms_p50} ms, ${planPage.api_cpu_ms_p50} ms CPU), ` +
        `js ${result.js_kb_gzip} KB gz, first event ${result.first_event_ms} ms, load ${result.load_average.before.toFixed(1)}: ` +
        (met ? "targets met" : "TARGETS MISSED"),
    };
  } finally {
    await browser.close();
    await lab.stop();
  }
}

/** In the page: the time (Date.now(), the same clock as the bot's) the first event line appears. */
const FIRST_LINE_OBSERVER = `(() => {
  const list = document.getElementById("plan-events");
  window.firstLineAt = 0;
  new MutationObserver(() => {
    if (!window.firstLineAt && list.querySelector("li")) window.firstLineAt = Date.now();
  }).observe(list, { childList: true });
})()`;

/** Signs in as a browser would (same origin), returning the session cookie to send. */
async function signIn(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: url },
    body: new URLSearchParams({ token }).toString(),
  });
  const cookie = /bridgeport_session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0];
  if (!cookie) throw new Error(`sign-in answered ${response.status} without a session`);
  return cookie;
}
