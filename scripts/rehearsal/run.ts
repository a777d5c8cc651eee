/**
 * The rehearsal's stages, in order. AWS is a real moto server; the release runs for real on loopback:
 *
 *   build-scan-push  the auth image (buildah, FROM a locally assembled Node 24 base), scanned when
 *                    Trivy is on PATH, pushed to a local registry by digest
 *   deploy-stack     ALB + listener (stable 100 %) + canary target group; then again: no changes
 *   slo-gate         a canary that has had no traffic yet → inconclusive (no data is not a pass)
 *   canary-ramp      per scenario, side by side, on real traffic judged through Prometheus:
 *                    healthy → promoted; errors (20 % 5xx) and latency (+300 ms) → rolled back at
 *                    10 % on their own measured errors and latency; low traffic → each step
 *                    waits for its evidence → promoted
 *   rollback         after a promotion, back to stable 100 %
 *
 * Real traffic: each ramp has its own lane — a listener and target groups in the stack, a stable and
 * a canary (the auth service's image bundle run with node), and nginx standing in for the ALB's data
 * plane, following the weights canary-ramp writes to that listener in moto; autocannon sends steady
 * load through it. One Prometheus scrapes every version each second, a lane's series labelled with
 * its ramp. Lanes share nothing a verdict depends on, so the ramps run at once: the rehearsal takes
 * as long as its slowest ramp, not their sum. Moto, the services, nginx and Prometheus start while
 * the image builds.
 */
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsClient } from '../../common/aws.js';
import { errorMessage } from '../../common/errors.js';
import { assembleBaseImage, defaultNodeBinary } from '../../services/images/base-image.js';
import { buildContext } from '../../services/images/bundle.js';
import { serviceImage } from '../../services/images/services.js';
import { haveTools, startRegistry, type Registry } from '../../test/support/containers/registry.js';
import { repoRoot, runBundle } from '../../test/support/harness.js';
import { freePort, startMoto, type Moto } from '../../test/support/moto.js';
import type { RehearsalArgs, Scenario } from './args.js';
import { ListenerFollower, splitOf, startDataPlane } from './data-plane.js';
import { findTool, stopAll } from './processes.js';
import { startPrometheus, type Prometheus } from './prometheus.js';
import { issueToken, rehearsalSigningKey, startVersion } from './release.js';
import { failedStages, rampCharts, stageTable, verdictLine, type RampRecord } from './report.js';
import { gateStage, rampStage, type LaneArns, type RampLane, type Shared } from './ramp-stage.js';
import { REGION, SCENARIO_PLANS, SLO, STABLE_VERSION, STEPS } from './scenarios.js';
import { concurrently, laneStage, skip, stage, stages, type Lane, type StageRun } from './stages.js';
import { TimelineSampler } from './timeline.js';

const PLACEHOLDER_IMAGE = `registry.local/auth@sha256:${'0'.repeat(64)}`;

/**
 * build-scan-push on the auth service's build context (the same bundle the rehearsal's services run;
 * bundled meanwhile): assemble the Node 24 base image locally (nothing can be pulled here), build, push, and check the
 * digest output against the registry's own manifest digest. Returns the image reference. It calls
 * no AWS API (the registry is not ECR), so it runs while moto starts.
 */
async function buildStage(bundled: Promise<string>): Promise<string> {
  const name = 'build-scan-push: auth image → local registry';
  const missing = haveTools('buildah', 'docker-registry', 'skopeo', 'htpasswd');
  if (missing.length) {
    await bundled;
    skip(name, 'pushed', `${missing.join(', ')} not installed (npm run setup installs them)`);
    return PLACEHOLDER_IMAGE;
  }
  let registry: Registry | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'rehearse-build-'));
  let image = PLACEHOLDER_IMAGE;
  try {
    await stage(name, 'pushed', async (progress) => {
      const reg = (registry = await startRegistry());
      const storageConf = readFileSync(reg.env.CONTAINERS_STORAGE_CONF, 'utf8');
      progress('bundling the auth service (the build context); assembling the Node 24 base image from this machine');
      const [context, base] = await Promise.all([bundled, assembleBaseImage({
        root: /graphroot = "([^"]+)"/.exec(storageConf)?.[1],
        runroot: /runroot = "([^"]+)"/.exec(storageConf)?.[1],
        nodeBinary: defaultNodeBinary(repoRoot),
      })]);
      const trivy = haveTools('trivy').length === 0;
      progress(`building${trivy ? ', scanning' : ''} and pushing ${reg.host}/auth`);
      const result = await runBundle('build-scan-push', {
        cwd: scratch,
        inputs: {
          builder: 'buildah',
          context,
          file: join(repoRoot, 'services/auth/Dockerfile'),
          // The local base is built from this machine's Node binary: one platform.
          platforms: 'linux/amd64',
          'build-args': `NODE_IMAGE=${base.ref}`,
          registry: reg.host,
          repository: 'auth',
          username: reg.username,
          password: reg.password,
          tags: 'rehearsal',
          scan: String(trivy),
          // A developer's own trivy is not the pinned release (its digest is in no table): the
          // rehearsal says so and runs it rather than downloading the release.
          'trivy-trust-unverified': String(trivy),
        },
        env: { ...reg.env, GITHUB_WORKSPACE: scratch },
        timeoutMs: 300_000,
      });
      const registryDigest = await reg.manifestDigest('auth', 'rehearsal');
      const pushed = result.code === 0 && !!result.outputs.digest && result.outputs.digest === registryDigest;
      if (pushed) image = result.outputs.image;
      const scan = trivy ? 'scanned with the trivy on PATH (unverified: not the pinned release)' : 'scan skipped: no trivy on PATH (the gate is tested on recorded reports)';
      const partSkipped = trivy ? undefined : "build-scan-push's Trivy scan (no trivy on PATH; its gate is tested on recorded Trivy reports)";
      return { got: pushed ? 'pushed' : `exit ${result.code}`, detail: `${result.outputs.image ?? ''} = registry digest; ${scan}`, partSkipped, result };
    });
    return image;
  } finally {
    await registry?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** What the real-traffic stages run on; absent when a tool is missing. */
interface Live {
  prometheus: Prometheus;
  lanes: Map<Scenario, RampLane>;
}

/**
 * Per ramp: its stable, its canary and its data plane at stable 100 %; one Prometheus scraping them
 * all. Everything starts at once (the services are small; nginx and Prometheus start in a second).
 */
async function startLive(nginx: string, prometheusBinary: string, context: string, scenarios: Scenario[], work: string): Promise<Live> {
  const node = defaultNodeBinary(repoRoot);
  const signingKey = await rehearsalSigningKey();
  const ports = await Promise.all(scenarios.map(async () => ({ stable: await freePort(), canary: await freePort(), plane: await freePort() })));
  const promPort = await freePort();
  const prometheusStarting = startPrometheus(prometheusBinary, {
    dir: join(work, 'prometheus'),
    port: promPort,
    groups: scenarios.map((scenario, i) => ({ targets: [`127.0.0.1:${ports[i].stable}`, `127.0.0.1:${ports[i].canary}`], labels: { ramp: scenario } })),
  });
  prometheusStarting.catch(() => undefined);
  const lanes = await Promise.all(scenarios.map(async (scenario, i): Promise<RampLane> => {
    const plan = SCENARIO_PLANS[scenario];
    const p = ports[i];
    const [stable, canary] = await Promise.all([
      startVersion({ node, context, name: 'stable', version: STABLE_VERSION, port: p.stable, signingKey }),
      startVersion({ node, context, name: 'canary', version: plan.version, port: p.canary, signingKey, faults: plan.faults }),
    ]);
    const plane = await startDataPlane(nginx, { prefix: join(work, `nginx-${scenario}`), port: p.plane, stablePort: p.stable, canaryPort: p.canary, split: { stable: 100, canary: 0 } });
    return { scenario, stable, canary, plane };
  }));
  return { prometheus: await prometheusStarting, lanes: new Map(lanes.map((l) => [l.scenario, l])) };
}

/** What starts while the image builds: moto, the auth bundle, and (tools allowing) the lanes and Prometheus. */
interface Background {
  moto: Promise<Moto>;
  /** The auth service's bundle: the image's build context and what the lanes run. */
  bundled: Promise<string>;
  live?: Promise<Live>;
  /** Why there is no live traffic, when there is none. */
  why: string;
}

function startBackground(args: RehearsalArgs, work: string): Background {
  const nginx = findTool('nginx');
  const prometheusBinary = findTool('prometheus');
  const missing = [!nginx && 'nginx', !prometheusBinary && 'prometheus'].filter(Boolean);
  const why = missing.length ? `${missing.join(' and ')} not installed (npm run setup installs ${missing.length > 1 ? 'them' : 'it'})` : '';
  // Moto first: its start-up is the slowest (a Python import) and only deploy-stack needs it, so
  // it starts alongside the bundling and the image build; on a busy machine that takes longer
  // than moto's usual 30 s, within the build's time anyway.
  const moto = startMoto(REGION, { changeSetOutputs: true, startTimeoutMs: 120_000 });
  const context = join(work, 'auth-context');
  const bundled = buildContext(serviceImage('auth'), context).then(() => context);
  const live = nginx && prometheusBinary ? bundled.then(() => startLive(nginx, prometheusBinary, context, args.scenarios, work)) : undefined;
  // Awaited later; a failure meanwhile must not be an unhandled rejection.
  for (const p of [moto, bundled, live]) p?.catch(() => undefined);
  return { moto, bundled, live, why };
}

/** deploy-stack creates the ramp stack, then deploys it again with no changes; each lane's ARNs from its outputs. */
async function deployStages(scenarios: Scenario[], image: string, env: Record<string, string>): Promise<Map<Scenario, LaneArns>> {
  const ec2 = awsClient(EC2Client, { region: REGION });
  const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs?.[0]?.VpcId;
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc!] }] }))).Subnets ?? [];
  const deployInputs = {
    name: 'rehearsal-auth',
    template: join(repoRoot, 'scripts/rehearsal/ramp-stack.yaml'),
    parameters: `Subnets=${subnets.slice(0, 2).map((s) => s.SubnetId).join(',')}\nVpcId=${vpc}\nImageUri=${image}`,
    region: REGION,
  };
  let stack: Record<string, string> = {};
  await stage('deploy-stack: create the ramp stack', 'created', async () => {
    const result = await runBundle('deploy-stack', { inputs: deployInputs, env });
    stack = result.outputs;
    return { got: result.code === 0 ? 'created' : `exit ${result.code}`, detail: `status ${result.outputs.status}`, result };
  });
  await stage('deploy-stack: deploy again, no changes', 'no changes', async () => {
    const result = await runBundle('deploy-stack', { inputs: deployInputs, env });
    const noop = result.code === 0 && /no changes/i.test(result.stdout);
    return { got: noop ? 'no changes' : `exit ${result.code}`, detail: `outcome ${result.outputs.outcome ?? '?'}`, result };
  });
  const arnsOf = (s: Scenario): LaneArns => {
    const o = SCENARIO_PLANS[s].outputs;
    const arns = { listener: stack[`${o}ListenerArn`], stable: stack[`${o}StableTargetGroupArn`], canary: stack[`${o}CanaryTargetGroupArn`] };
    if (!arns.listener || !arns.stable || !arns.canary) {
      throw new Error(`deploy-stack gave no ${o}ListenerArn/${o}StableTargetGroupArn/${o}CanaryTargetGroupArn outputs: ${JSON.stringify(stack)}`);
    }
    return arns;
  };
  return new Map(scenarios.map((s) => [s, arnsOf(s)]));
}

/** rollback to stable, checked against what the listener says afterwards (read back from ELBv2, not the action's report). */
function rollbackStage(elb: ElasticLoadBalancingV2Client, env: Record<string, string>, laneArns: LaneArns): StageRun {
  return async () => {
    const result = await runBundle('rollback', {
      inputs: { router: 'alb', 'listener-arn': laneArns.listener, 'stable-target-group-arn': laneArns.stable, 'canary-target-group-arn': laneArns.canary, to: 'stable', region: REGION },
      env,
    });
    const listener = await elb.send(new DescribeListenersCommand({ ListenerArns: [laneArns.listener] }));
    const split = splitOf(listener.Listeners?.[0]?.DefaultActions, laneArns.stable, laneArns.canary);
    const ok = result.code === 0 && split.stable === 100;
    return { got: ok ? 'stable 100 %' : `exit ${result.code}, listener stable ${split.stable} %`, detail: `listener stable ${split.stable} % / canary ${split.canary} % (changed: ${result.outputs.changed})`, result };
  };
}

/** slo-gate, then every ramp at once on its own lane, each promoted one rolled back to stable after. */
async function realTrafficStages(scenarios: Scenario[], live: Live, arns: Map<Scenario, LaneArns>, elb: ElasticLoadBalancingV2Client, env: Record<string, string>): Promise<RampRecord[]> {
  const { prometheus } = live;
  console.log(`real traffic: Prometheus ${prometheus.url}; per ramp, data plane (nginx as the ALB) → stable / canary:`);
  for (const l of live.lanes.values()) console.log(`  ${l.scenario}: ${l.plane.url} → ${l.stable.url} / ${l.canary.url}`);
  const shared: Shared = { prometheus, follower: new ListenerFollower(elb), timelines: new TimelineSampler(prometheus, 'auth'), env, token: await issueToken(live.lanes.get(scenarios[0])!.stable.url) };
  await gateStage(prometheus, live.lanes.get(scenarios[0])!, env);
  const records: RampRecord[] = [];
  const lanes: Lane[] = scenarios.map((s) => ({ label: s, reports: [], status: 'starting' }));
  // The slowest ramp (the least traffic) starts first, the others once it judges its first
  // step: its start (a bundle, its first AWS calls) has the two cores to itself, and theirs
  // still end well before it.
  const slowest = lanes.reduce((a, b) => (SCENARIO_PLANS[b.label as Scenario].rate < SCENARIO_PLANS[a.label as Scenario].rate ? b : a));
  let slowestJudging!: () => void;
  const headStart = new Promise<void>((r) => (slowestJudging = r));
  await concurrently(`canary-ramp: ${scenarios.length} ramp(s) at once, steps ${STEPS}, judged through Prometheus`, lanes, async (lane) => {
    const scenario = lane.label as Scenario;
    const laneArns = arns.get(scenario)!;
    if (lane !== slowest) {
      lane.status = `starts when ${slowest.label} judges its first step`;
      await headStart;
    }
    // Resolved however the slowest ramp ends, so no lane waits for it forever.
    const report = await rampStage(lane, live.lanes.get(scenario)!, laneArns, shared, lane === slowest ? slowestJudging : undefined).finally(() => lane === slowest && slowestJudging());
    if (report.ramp) records.push(report.ramp);
    if (report.ramp?.result === 'promoted') {
      lane.status = 'promoted; rolling back to stable';
      const back = await laneStage(lane, 'rollback: to stable', 'stable 100 %', rollbackStage(elb, env, laneArns));
      lane.status = `promoted, then ${back.got === back.expected ? 'back to stable' : back.got}`;
    }
  });
  return records.sort((a, b) => scenarios.indexOf(a.scenario as Scenario) - scenarios.indexOf(b.scenario as Scenario));
}

/** The charts, the stage table, the JSON report and (with --keep) what is left running; the exit code. */
function finalReport(args: RehearsalArgs, run: { moto: Moto; live?: Live; arns: Map<Scenario, LaneArns>; ramps: RampRecord[]; wallMs: number }): number {
  const { moto, live, arns, wallMs } = run;
  for (const r of run.ramps) {
    const charts = rampCharts(r);
    if (charts) console.log(`\n── ${r.scenario}: ${r.result} — ${r.reason}\n${charts}`);
  }
  console.log(`\n${stageTable(stages)}`);
  const lanesOut = live ? Object.fromEntries([...live.lanes.values()].map((l) => [l.scenario, { dataPlane: l.plane.url, stable: l.stable.url, canary: l.canary.url, listener: arns.get(l.scenario)?.listener }])) : {};
  if (args.json) {
    const failed = failedStages(stages).length;
    writeFileSync(args.json, `${JSON.stringify({
      result: failed ? 'failed' : 'passed',
      skipped: stages.filter((s) => s.skipped).length,
      wallMs,
      slo: SLO,
      steps: STEPS,
      urls: { moto: moto.endpoint, ...(live ? { prometheus: live.prometheus.url, ramps: lanesOut } : {}) },
      stages,
    }, null, 2)}\n`);
    console.log(`JSON report: ${args.json}`);
  }
  if (args.keep) {
    console.log(`\nLeft running (Ctrl-C stops everything):\n  moto: ${moto.endpoint}`);
    if (live) {
      console.log(`  Prometheus: ${live.prometheus.url}`);
      for (const l of live.lanes.values()) {
        console.log(`  ${l.scenario}: data plane (nginx standing in for the ALB, listener ${arns.get(l.scenario)?.listener}) ${l.plane.url}; stable ${STABLE_VERSION} ${l.stable.url}; canary ${l.canary.version} ${l.canary.url}`);
      }
    }
  }
  console.log(`\n${verdictLine(stages, wallMs)}`);
  return failedStages(stages).length ? 1 : 0;
}

export async function rehearse(args: RehearsalArgs, t0: number): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'rehearse-'));
  let background: Background | undefined;
  // Ctrl-C (also the way out of --keep): every process this run started stops, its files go.
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => (cleaning ??= (async () => {
    await stopAll();
    // Bounded: an interrupted run still removes its files.
    await Promise.race([background?.moto.then((m) => m.stop(), () => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
    rmSync(work, { recursive: true, force: true });
  })());
  // Every signal is handled, not just the first: a Ctrl-C reaches this process twice (from the
  // terminal and relayed by tsx), and a second default SIGINT would exit before the clean-up.
  const onSignal = () => {
    void cleanUp().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const started = (background = startBackground(args, work));
    console.log(`Starting moto${started.live ? `, ${args.scenarios.length} ramp lane(s) and Prometheus` : ''} while the auth image builds …`);
    const image = await buildStage(started.bundled);
    const moto = await started.moto;
    Object.assign(process.env, moto.env);
    const env = { ...moto.env };
    console.log(`moto on ${moto.endpoint}`);
    const elb = awsClient(ElasticLoadBalancingV2Client, { region: REGION });
    const arns = await deployStages(args.scenarios, image, env);
    let live: Live | undefined;
    let ramps: RampRecord[] = [];
    if (!started.live) {
      skip('slo-gate: canary before any traffic (Prometheus)', 'inconclusive', started.why);
      for (const s of args.scenarios) skip(`canary-ramp: ${SCENARIO_PLANS[s].title}, steps ${STEPS}`, SCENARIO_PLANS[s].expected, started.why);
      await stage('rollback: to stable', 'stable 100 %', rollbackStage(elb, env, arns.get(args.scenarios[0])!));
    } else {
      live = await started.live;
      ramps = await realTrafficStages(args.scenarios, live, arns, elb, env);
    }
    const code = finalReport(args, { moto, live, arns, ramps, wallMs: Date.now() - t0 });
    if (args.keep) await new Promise(() => undefined);
    return code;
  } catch (err) {
    console.error(`\nrehearsal failed: ${errorMessage(err)}`);
    // Nothing is left running after a failure, --keep or not.
    await cleanUp();
    return 1;
  } finally {
    if (!args.keep) await cleanUp();
  }
}
