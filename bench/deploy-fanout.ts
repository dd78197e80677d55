import { availableParallelism } from "node:os";
import { FLEET_DOCKERD_MODES, type FleetDockerdMode } from "../test/harness/host-fleet.js";
import { startCpuWindow } from "./deploy-fanout-cpu.js";
import { phaseStats } from "./deploy-fanout-phases.js";
import { runTimedPlan } from "./deploy-fanout-plan.js";
import { expectRunning, measureRollback } from "./deploy-fanout-rollback.js";
import { runSshLoop } from "./deploy-fanout-ssh-loop.js";
import { startFanoutWorld } from "./deploy-fanout-world.js";
import type { BenchResult } from "./run.js";

/**
 * The same digest deploy to 1 server and to 10 (sshd on 127.0.0.2..11, one container each on
 * its own name and port), beside a sequential OpenSSH-client loop doing what a hand-written
 * deploy step does, and the rollback of a digest whose HEALTHCHECK fails on all 10.
 *
 * Warm vs cold is kept equal: every server starts on v1 (so the busybox base layer is there) and
 * every measured deploy pulls a version the server does not have yet, i.e. one small top layer
 * and the config. After the single deploy, server 1 goes back to v1 and v2 is removed from its
 * engine, so the fan-out pulls v2 on all 10. The loop deploys a fourth version, "loop".
 *
 * rollback_s runs from the first failed health verdict (the step log's "health:" line: the
 * step's "failed" event only comes after that step has restored its previous container) to the
 * plan's final event, or to the moment the bench itself sees every service back and healthy if
 * that is later. The same rollback on server 1 alone is measured as a reference.
 *
 * DEPLOY_FANOUT_DOCKERD=shared|per-host picks the engines behind the servers. Default per-host:
 * with one shared engine, concurrent pulls of one digest are merged into one download and the
 * loop pulls only on its first server, so neither would pull like 10 servers do; and measured
 * both ways here, shared was no faster for the fan-out and slower to roll back, one engine doing
 * all ten containers' work.
 */
const SERVERS = 10;
const TARGETS = { fanoutRatio: 2.0, ratioVsSshLoop: 3, rollbackS: 3 };

export default async function deployFanout(): Promise<BenchResult> {
  const dockerd = dockerdMode(process.env.DEPLOY_FANOUT_DOCKERD);
  const setupStarted = performance.now();
  process.stderr.write(`starting registry, ${SERVERS} sshd and ${dockerd} dockerd...\n`);
  const world = await startFanoutWorld(SERVERS, dockerd);
  try {
    const setupS = (performance.now() - setupStarted) / 1000;
    const first = world.services[0];
    if (!first) throw new Error("no services");

    const all = world.services.map((_, i) => i);

    process.stderr.write("single: v2 to server-1...\n");
    let cpu = startCpuWindow();
    const single = await runTimedPlan(world, "v2", {
      serviceIds: [first.id],
      autoRollback: true,
      expect: "success",
    });
    const singleCpu = cpu();
    await expectRunning(world, "v2", [0]);
    // Back to where the other nine are: v1 running, v2 absent.
    await runTimedPlan(world, "v1", { serviceIds: [first.id], autoRollback: true, expect: "success" });
    await world.removeImage(0, "v2");

    process.stderr.write(`fanout: v2 to ${SERVERS} servers...\n`);
    cpu = startCpuWindow();
    const fanout = await runTimedPlan(world, "v2", { autoRollback: true, expect: "success" });
    const fanoutCpu = cpu();
    await expectRunning(world, "v2", all);

    process.stderr.write(`rollback: bad to ${SERVERS} servers...\n`);
    cpu = startCpuWindow();
    const rollback = await measureRollback(world, "v2", all);
    const rollbackCpu = cpu();
    process.stderr.write("rollback reference: bad to server-1 alone...\n");
    const rollbackOne = await measureRollback(world, "v2", [0]);

    process.stderr.write(`ssh loop: loop version to ${SERVERS} servers, one after another...\n`);
    cpu = startCpuWindow();
    const loop = await runSshLoop(
      world.fleet.hosts.map((host, i) => ({
        host: host.sshd.host,
        port: host.sshd.port,
        username: host.sshd.username,
        hostPublicKey: host.sshd.hostPublicKey,
        containerName: world.services[i]?.containerName ?? "",
        containerPort: world.ports[i] ?? 0,
      })),
      world.fleet.hosts[0]?.sshd.privateKey ?? "",
      { server: world.registry.host, username: world.registry.username, password: world.registry.password },
      world.referenceOf("loop"),
    );
    const loopCpu = cpu();
    await expectRunning(world, "loop", all);

    const fanoutRatio = fanout.seconds / single.seconds;
    const ratioVsSshLoop = loop.seconds / fanout.seconds;
    const met =
      fanoutRatio <= TARGETS.fanoutRatio &&
      ratioVsSshLoop >= TARGETS.ratioVsSshLoop &&
      rollback.rollback_s <= TARGETS.rollbackS;
    const result = {
      n: SERVERS,
      single_s: round(single.seconds),
      fanout_s: round(fanout.seconds),
      fanout_ratio: round(fanoutRatio, 2),
      ssh_loop_s: round(loop.seconds),
      ratio_vs_ssh_loop: round(ratioVsSshLoop, 2),
      rollback_s: rollback.rollback_s,
      targets: { fanout_ratio: "<= 2.0", ratio_vs_ssh_loop: ">= 3", rollback_s: "<= 3" },
      met,
      dockerd,
      cpus: availableParallelism(),
      machine_cpu_busy: { single: singleCpu, fanout: fanoutCpu, rollback: rollbackCpu, ssh_loop: loopCpu },
      image_bytes: world.versions.v2.size,
      setup_s: round(setupS),
      health_check: { kind: "docker", intervalMs: 250, retries: 40, image_healthcheck_interval_s: 1 },
      single_phases: phaseStats(single.steps),
      fanout_phases: phaseStats(fanout.steps),
      ssh_loop_per_server_s: loop.perServerS.map((s) => round(s)),
      rollback: {
        measured_from: "first unhealthy verdict (the step log's 'health:' line)",
        measured_to:
          "the plan's final onEvent, or later if the bench's own inspect saw a service not yet healthy",
        ...rollback,
      },
      rollback_one_server: rollbackOne,
    };
    return {
      ...result,
      summary:
        `fanout_ratio=${result.fanout_ratio} (<=2.0) ratio_vs_ssh_loop=${result.ratio_vs_ssh_loop} (>=3) ` +
        `rollback_s=${result.rollback_s} (<=3) single=${result.single_s}s fanout=${result.fanout_s}s ` +
        `ssh_loop=${result.ssh_loop_s}s n=${SERVERS} dockerd=${dockerd}: ${met ? "targets met" : "TARGETS MISSED"}`,
    };
  } finally {
    await world.stop();
  }
}

function dockerdMode(value: string | undefined): FleetDockerdMode {
  if (value === undefined || value === "") return "per-host";
  const mode = FLEET_DOCKERD_MODES.find((m) => m === value);
  if (!mode) throw new Error(`DEPLOY_FANOUT_DOCKERD must be one of ${FLEET_DOCKERD_MODES.join(", ")}`);
  return mode;
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));
