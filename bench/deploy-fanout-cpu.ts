import { readFileSync } from "node:fs";

/**
 * How busy the whole machine was over a window, from /proc/stat: the share of all cores not
 * idle. The machine is shared, so this counts other work too; it tells whether a phase ran on
 * saturated cores.
 */
export function startCpuWindow(): () => number {
  const before = cpuTicks();
  return () => {
    const after = cpuTicks();
    const total = after.total - before.total;
    return total > 0 ? Number((1 - (after.idle - before.idle) / total).toFixed(2)) : 0;
  };
}

function cpuTicks(): { total: number; idle: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  // idle and iowait both mean no runnable work on that core.
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { total: ticks.reduce((sum, t) => sum + t, 0), idle };
}
