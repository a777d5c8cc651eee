/**
 * The rehearsal's stages, in order. AWS is a real moto server; the release runs for real on loopback:
 *
 *   build-scan-push  the auth image (buildah, FROM a locally assembled Node 24 base), scanned when
 *                    Trivy is on PATH, pushed to a local registry by digest
 *   deploy-stack     ALB + listener (stable 100 %) + canary target group; then again: no changes
 *   slo-gate         a canary that has had no traffic yet → inconclusive (no data is not a pass)
 *   canary-ramp      per scenario, on real traffic judged through Prometheus:
 *                    healthy → promoted; errors (20 % 5xx) and latency (+300 ms) → rolled back at
 *                    10 % on their own measured errors and latency; low traffic → each step
 *                    waits for its evidence → promoted
 *   rollback         after a promotion, back to stable 100 %
 *
 * Real traffic: stable and canary are the auth service's image bundle run with node; nginx stands in
 * for the ALB's data plane and follows the weights canary-ramp writes to moto's listener; autocannon
 * sends steady load through it; Prometheus scrapes both versions every second.
 */
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsClient } from '../../actions/lib/aws.js';
import { errorMessage } from '../../actions/lib/errors.js';
import { formatDuration, tryParseDuration } from '../../actions/lib/duration.js';
import type { RampReport } from '../../actions/canary-ramp/summary.js';
import { assembleBaseImage, defaultNodeBinary } from '../../services/images/base-image.js';
import { buildContext } from '../../services/images/bundle.js';
import { serviceImage } from '../../services/images/services.js';
import { haveTools, startRegistry, type Registry } from '../../test/build-scan-push/support/registry.js';
import { repoRoot, startBundle, runBundle, type RunResult } from '../../test/support/harness.js';
import { freePort, startMoto, type Moto } from '../../test/support/moto.js';
import type { RehearsalArgs, Scenario } from './args.js';
import { followListener, splitOf, startDataPlane, type DataPlane, type Split } from './data-plane.js';
import { startLoad } from './load.js';
import { findTool, stopAll } from './processes.js';
import { startPrometheus, type Prometheus } from './prometheus.js';
import { issueToken, rehearsalSigningKey, served, startVersion, type Version } from './release.js';
import { attachServed, failedStages, rampCharts, rampOutcome, servedLine, stageTable, verdictLine, type Period, type RampRecord, type StageReport, type TimelinePoint, type VersionPoint } from './report.js';

const REGION = 'eu-central-1';
/**
 * Clear objectives: a healthy auth answers /verify in a few ms with no errors (on a machine busy
 * with other work, still well under 450 ms at p95 over a window); +300 ms puts every canary request
 * at or above the 0.3–0.5 s histogram bucket, so its p95 reads at least 490 ms.
 */
const SLO = 'p95 < 450ms\nerror-rate < 5%';
const STEPS = '10,50,100';
const STABLE_VERSION = '1.0.0';
/** Requests per second through the data plane: 10 % of it gives the canary's first step its min-requests in ~1 s. */
const RATE = 200;
const MIN_REQUESTS = 20;

interface ScenarioPlan {
  title: string;
  version: string;
  faults: Record<string, string>;
  rate: number;
  expected: string;
  /** Seconds the first step needs to gather its evidence within one clock minute (see waitForMinute). */
  evidenceSeconds: number;
  /** The ramp's timeout: a quiet canary's steps wait for evidence up to it. */
  timeout: string;
}

export const SCENARIO_PLANS: Record<Scenario, ScenarioPlan> = {
  healthy: { title: 'healthy canary', version: '1.1.0-healthy', faults: {}, rate: RATE, expected: 'promoted', evidenceSeconds: 8, timeout: '60s' },
  errors: { title: 'errors canary (20 % 5xx)', version: '1.1.0-errors', faults: { FAULT_ERROR_RATE: '20%' }, rate: RATE, expected: 'rolled-back at 10% (error-rate)', evidenceSeconds: 8, timeout: '60s' },
  latency: { title: 'latency canary (+300 ms)', version: '1.1.0-latency', faults: { FAULT_LATENCY: '300ms' }, rate: RATE, expected: 'rolled-back at 10% (p95)', evidenceSeconds: 8, timeout: '60s' },
  'low-traffic': { title: 'healthy canary on low traffic (8 req/s)', version: '1.1.0-low-traffic', faults: {}, rate: 8, expected: 'promoted', evidenceSeconds: 0, timeout: '3m' },
};

const PLACEHOLDER_IMAGE = `registry.local/auth@sha256:${'0'.repeat(64)}`;
const tty = process.stdout.isTTY;
const stages: StageReport[] = [];

/** Runs one stage with progress: a ticking line on a terminal, a line every 5 s elsewhere. */
async function stage(name: string, expected: string, run: (progress: (line: string) => void) => Promise<Omit<StageReport, 'name' | 'expected' | 'ms'> & { result?: RunResult }>): Promise<StageReport> {
  const t0 = Date.now();
  let open = true;
  const head = `▶ ${name} …`;
  process.stdout.write(head);
  const progress = (line: string) => {
    if (open) process.stdout.write('\n');
    open = false;
    console.log(`    ${line}`);
  };
  const ticker = setInterval(() => {
    const s = Math.round((Date.now() - t0) / 1000);
    if (tty && open) process.stdout.write(`\r${head} ${s}s`);
    else if (!tty && s % 5 === 0) progress(`… ${s}s`);
  }, 1000);
  let out;
  try {
    out = await run(progress);
  } finally {
    clearInterval(ticker);
  }
  const { result, ...rest } = out;
  const report: StageReport = { name, expected, ms: Date.now() - t0, ...rest };
  stages.push(report);
  const line = `${report.got === expected ? '✔' : '✘'} ${report.got} (${formatDuration(report.ms)})${report.detail ? ` — ${report.detail}` : ''}`;
  if (open && tty) process.stdout.write(`\r${head} ${line}\n`);
  else if (open) process.stdout.write(` ${line}\n`);
  else console.log(`  ${line}`);
  if (report.got !== expected && result) {
    console.log(result.stdout.split('\n').slice(-25).join('\n'));
    if (result.stderr.trim()) console.log(result.stderr.split('\n').slice(-10).join('\n'));
  }
  return report;
}

function skip(name: string, expected: string, why: string): void {
  stages.push({ name, expected, got: 'skipped', ms: 0, detail: '', skipped: why });
  console.log(`▶ ${name} … skipped: ${why}`);
}

/**
 * build-scan-push on the auth service's build context (the same bundle the rehearsal's services run):
 * assemble the Node 24 base image locally (nothing can be pulled here), build, push, and check the
 * digest output against the registry's own manifest digest. Returns the image reference.
 */
async function buildStage(context: string, env: Record<string, string>): Promise<string> {
  const name = 'build-scan-push: auth image → local registry';
  const missing = haveTools('buildah', 'docker-registry', 'skopeo', 'htpasswd');
  if (missing.length) {
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
      progress('assembling the Node 24 base image from this machine');
      const base = await assembleBaseImage({
        root: /graphroot = "([^"]+)"/.exec(storageConf)?.[1],
        runroot: /runroot = "([^"]+)"/.exec(storageConf)?.[1],
        nodeBinary: defaultNodeBinary(repoRoot),
      });
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
        env: { ...env, ...reg.env, GITHUB_WORKSPACE: scratch },
        timeoutMs: 300_000,
      });
      const registryDigest = await reg.manifestDigest('auth', 'rehearsal');
      const pushed = result.code === 0 && !!result.outputs.digest && result.outputs.digest === registryDigest;
      if (pushed) image = result.outputs.image;
      const scan = trivy ? 'scanned with the trivy on PATH (unverified: not the pinned release)' : 'scan skipped: no trivy on PATH (the gate is tested on recorded reports)';
      return { got: pushed ? 'pushed' : `exit ${result.code}`, detail: `${result.outputs.image ?? ''} = registry digest; ${scan}`, result };
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
  plane: DataPlane;
  stable: Version;
  canary?: Version;
  canaryPort: number;
  node: string;
  context: string;
  signingKey: string;
}

const selector = (version: string) => `service="auth",version="${version}"`;

/** Every second: the canary's weight in the data plane, and each version's rate, error rate and p95 over 3 s. */
function sampleTimeline(live: Live, canaryVersion: string, t0: number): { stop(): TimelinePoint[] } {
  const points: TimelinePoint[] = [];
  const read = async (version: string): Promise<VersionPoint> => {
    const sel = selector(version);
    const [rps, errors, p95] = await Promise.all([
      live.prometheus.value(`sum(rate(http_requests_total{${sel}}[3s]))`),
      live.prometheus.value(`sum(rate(http_request_errors_total{${sel}}[3s])) / sum(rate(http_requests_total{${sel}}[3s]))`),
      live.prometheus.value(`histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[3s])))`),
    ]).catch(() => [null, null, null]);
    return { rps, errorRate: errors, p95Ms: p95 === null ? null : p95 * 1000 };
  };
  const timer = setInterval(() => {
    const canaryWeight = live.plane.split().canary;
    const s = Math.round((Date.now() - t0) / 100) / 10;
    void Promise.all([read(STABLE_VERSION), read(canaryVersion)]).then(([stable, canary]) => points.push({ s, canaryWeight, stable, canary }));
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      return points.sort((a, b) => a.s - b.s);
    },
  };
}

/**
 * The Prometheus provider judges whole 60 s periods (it shares CloudWatch's alignment): once a check
 * passes a minute boundary its window is the closed minute, until the next one closes. A ramp whose
 * first step began just before a boundary would be judged on its first second only, so a ramp starts
 * where its first step's evidence fits in the current minute; later, the closed minute already holds it.
 */
async function waitForMinute(seconds: number, progress: (line: string) => void): Promise<void> {
  const left = 60 - (Date.now() / 1000) % 60;
  if (left >= seconds) return;
  progress(`waiting ${Math.ceil(left)} s for the next clock minute (the Prometheus provider judges whole minutes)`);
  await new Promise((r) => setTimeout(r, left * 1000 + 200));
}

async function rampStage(scenario: Scenario, live: Live, arns: { listener: string; stable: string; canary: string }, elb: ElasticLoadBalancingV2Client, env: Record<string, string>, token: string): Promise<StageReport> {
  const plan = SCENARIO_PLANS[scenario];
  return stage(`canary-ramp: ${plan.title}, steps ${STEPS}`, plan.expected, async (progress) => {
    if (live.canary?.version !== plan.version) {
      await live.canary?.proc.stop();
      live.canary = await startVersion({ node: live.node, context: live.context, name: 'canary', version: plan.version, port: live.canaryPort, signingKey: live.signingKey, faults: plan.faults });
      progress(`canary ${plan.version} up on ${live.canary.url}${Object.keys(plan.faults).length ? ` with ${Object.entries(plan.faults).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`);
    }
    const canary = live.canary;
    await waitForMinute(plan.evidenceSeconds, progress);
    const t0 = Date.now();
    const periods: Period[] = [];
    const counts = async () => ({ stable: await served(live.stable), canary: await served(canary), at: new Date().toISOString() });
    let open = { split: live.plane.split(), ...(await counts()) };
    const closePeriod = async (next?: Split) => {
      const now = await counts();
      const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
      periods.push({ split: open.split, from: open.at, to: now.at, served: { stable: diff(open.stable, now.stable), canary: diff(open.canary, now.canary) } });
      if (next) open = { split: next, ...now };
    };
    let changes = Promise.resolve();
    const follower = followListener(elb, arns.listener, { stable: arns.stable, canary: arns.canary }, live.plane, (c) => {
      changes = changes.then(() => closePeriod(c.split));
      progress(`data plane now stable ${c.split.stable} % / canary ${c.split.canary} %`);
    });
    const load = startLoad({ url: live.plane.url, rate: plan.rate, token });
    const timeline = sampleTimeline(live, plan.version, t0);
    const queriesBefore = live.prometheus.loggedQueries().length;
    const running = startBundle('canary-ramp', {
      inputs: {
        router: 'alb',
        'listener-arn': arns.listener,
        'stable-target-group-arn': arns.stable,
        'canary-target-group-arn': arns.canary,
        steps: STEPS,
        'bake-time': '4s',
        'analysis-interval': '1s',
        // Room for a first step to gather evidence on a busy machine; a quiet canary's steps wait
        // for theirs (they do not count as inconclusive) up to the ramp's timeout.
        'max-inconclusive': '8',
        timeout: plan.timeout,
        provider: 'prometheus',
        'prometheus-url': live.prometheus.url,
        'canary-selector': selector(plan.version),
        'baseline-selector': selector(STABLE_VERSION),
        'min-requests': String(MIN_REQUESTS),
        slo: SLO,
        region: REGION,
      },
      env,
      timeoutMs: 60_000 + (tryParseDuration(plan.timeout) ?? 60_000),
    });
    let pending = '';
    running.child.stdout!.on('data', (d: Buffer) => {
      const lines = (pending + d.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) if (/^(Step \d+%|\s+\d+% check \d+|Rolling back)/.test(l)) progress(l.trim());
    });
    const result = await running.done;
    // Let the data plane catch up with the final weights, then close the last period.
    await new Promise((r) => setTimeout(r, 500));
    await follower.stop();
    await changes;
    await closePeriod();
    const loadResult = await load.stop();
    const points = timeline.stop();
    const report = JSON.parse(result.outputs.report || '{"steps":[]}') as RampReport;
    const judgeQueries = live.prometheus.loggedQueries().slice(queriesBefore).filter((q) => q.includes(selector(plan.version)) && !q.includes('[3s]')).length;
    const ramp: RampRecord = {
      scenario,
      canary: { version: plan.version, faults: plan.faults },
      stable: { version: STABLE_VERSION },
      load: { rate: plan.rate, ...loadResult },
      judge: { provider: 'prometheus', url: live.prometheus.url, queries: judgeQueries },
      result: report.result ?? `exit ${result.code}`,
      reason: report.reason ?? '',
      steps: attachServed(report.steps, periods),
      periods,
      timeline: points,
    };
    const got = result.outputs.result ? rampOutcome(result.outputs.result, report.steps) : `exit ${result.code}`;
    return { got, detail: `${servedLine(ramp.steps)}; judge: ${judgeQueries} Prometheus queries`, ramp, result };
  });
}

async function gateStage(live: Live, env: Record<string, string>): Promise<void> {
  await stage('slo-gate: canary before any traffic (Prometheus)', 'inconclusive', async () => {
    const result = await runBundle('slo-gate', {
      inputs: {
        provider: 'prometheus',
        'prometheus-url': live.prometheus.url,
        'canary-selector': selector(live.canary!.version),
        'baseline-selector': selector(STABLE_VERSION),
        window: '1m',
        'min-requests': String(MIN_REQUESTS),
        slo: SLO,
      },
      env,
    });
    const report = JSON.parse(result.outputs.report || '{}') as { provider?: string; requests?: unknown };
    return {
      got: result.outputs.result ?? `exit ${result.code}`,
      detail: result.outputs.reason ?? '',
      gate: { provider: report.provider ?? 'prometheus', result: result.outputs.result ?? '', reason: result.outputs.reason ?? '', requests: report.requests },
      result,
    };
  });
}

/** Stable, the first canary, Prometheus scraping both, and the data plane at stable 100 %. */
async function startLive(nginx: string, prometheusBinary: string, context: string, first: Scenario, work: string): Promise<Live> {
  const node = defaultNodeBinary(repoRoot);
  const signingKey = await rehearsalSigningKey();
  const [stablePort, canaryPort, promPort, planePort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const plan = SCENARIO_PLANS[first];
  const [stable, canary, prometheus] = await Promise.all([
    startVersion({ node, context, name: 'stable', version: STABLE_VERSION, port: stablePort, signingKey }),
    startVersion({ node, context, name: 'canary', version: plan.version, port: canaryPort, signingKey, faults: plan.faults }),
    startPrometheus(prometheusBinary, { dir: join(work, 'prometheus'), port: promPort, targets: [`127.0.0.1:${stablePort}`, `127.0.0.1:${canaryPort}`] }),
  ]);
  const plane = await startDataPlane(nginx, { prefix: join(work, 'nginx'), port: planePort, stablePort, canaryPort, split: { stable: 100, canary: 0 } });
  return { prometheus, plane, stable, canary, canaryPort, node, context, signingKey };
}

export async function rehearse(args: RehearsalArgs, t0: number): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'rehearse-'));
  let moto: Moto | undefined;
  let live: Live | undefined;
  const rampRecords: RampRecord[] = [];
  // Ctrl-C (also the way out of --keep): every process this run started stops, its files go.
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => (cleaning ??= (async () => {
    await stopAll();
    // Bounded: an interrupted run still removes its files.
    await Promise.race([moto?.stop(), new Promise((r) => setTimeout(r, 5000).unref())]);
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
    const nginx = findTool('nginx');
    const prometheusBinary = findTool('prometheus');
    const missing = [!nginx && 'nginx', !prometheusBinary && 'prometheus'].filter(Boolean);
    const why = missing.length ? `${missing.join(' and ')} not installed (npm run setup installs ${missing.length > 1 ? 'them' : 'it'})` : '';

    const context = join(work, 'auth-context');
    console.log('Bundling the auth service (the image\'s build context), then starting moto …');
    await buildContext(serviceImage('auth'), context);
    // deploy-stack deploys through change sets: moto must give such stacks their outputs, as AWS does.
    // Started alone: on a busy machine its start-up needs the CPU to stay within its 30 s limit.
    moto = await startMoto(REGION, { changeSetOutputs: true });
    // Started now, awaited after the image build: both take seconds (moto first: it needs the CPU to start in time).
    const liveStarting = nginx && prometheusBinary ? startLive(nginx, prometheusBinary, context, args.scenarios[0], work) : undefined;
    liveStarting?.catch(() => undefined);
    Object.assign(process.env, moto.env);
    const env = { ...moto.env };
    console.log(`moto on ${moto.endpoint}; the auth service bundled into ${context}`);

    const ec2 = awsClient(EC2Client, { region: REGION });
    const elb = awsClient(ElasticLoadBalancingV2Client, { region: REGION });
    const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs?.[0]?.VpcId;
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc!] }] }))).Subnets ?? [];
    const image = await buildStage(context, env);
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
    if (!stack.ListenerArn || !stack.StableTargetGroupArn || !stack.CanaryTargetGroupArn) {
      throw new Error(`deploy-stack gave no ListenerArn/StableTargetGroupArn/CanaryTargetGroupArn outputs: ${JSON.stringify(stack)}`);
    }
    const arns = { listener: stack.ListenerArn, stable: stack.StableTargetGroupArn, canary: stack.CanaryTargetGroupArn };

    const rollback = () =>
      stage('rollback: to stable', 'stable 100 %', async () => {
        const result = await runBundle('rollback', {
          inputs: { router: 'alb', 'listener-arn': arns.listener, 'stable-target-group-arn': arns.stable, 'canary-target-group-arn': arns.canary, to: 'stable', region: REGION },
          env,
        });
        // What the listener says now, read back from ELBv2, not what the action reports.
        const listener = await elb.send(new DescribeListenersCommand({ ListenerArns: [arns.listener] }));
        const split = splitOf(listener.Listeners?.[0]?.DefaultActions, arns.stable, arns.canary);
        const ok = result.code === 0 && split.stable === 100;
        return { got: ok ? 'stable 100 %' : `exit ${result.code}, listener stable ${split.stable} %`, detail: `listener stable ${split.stable} % / canary ${split.canary} % (changed: ${result.outputs.changed})`, result };
      });

    if (!liveStarting) {
      skip('slo-gate: canary before any traffic (Prometheus)', 'inconclusive', why);
      for (const s of args.scenarios) skip(`canary-ramp: ${SCENARIO_PLANS[s].title}, steps ${STEPS}`, SCENARIO_PLANS[s].expected, why);
      await rollback();
    } else {
      live = await liveStarting;
      console.log(`real traffic: stable ${live.stable.url}, canary ${live.canary!.url}, data plane (nginx as the ALB) ${live.plane.url}, Prometheus ${live.prometheus.url}`);
      const token = await issueToken(live.stable.url);
      await gateStage(live, env);
      for (const scenario of args.scenarios) {
        const report = await rampStage(scenario, live, arns, elb, env, token);
        if (report.ramp) rampRecords.push(report.ramp);
        if (report.ramp?.result === 'promoted') await rollback();
      }
    }

    for (const r of rampRecords) {
      const charts = rampCharts(r);
      if (charts) console.log(`\n── ${r.scenario}: ${r.result} — ${r.reason}\n${charts}`);
    }
    console.log(`\n${stageTable(stages)}`);
    const wallMs = Date.now() - t0;
    if (args.json) {
      const failed = failedStages(stages).length;
      writeFileSync(args.json, `${JSON.stringify({
        result: failed ? 'failed' : 'passed',
        skipped: stages.filter((s) => s.skipped).length,
        wallMs,
        slo: SLO,
        steps: STEPS,
        urls: live ? { prometheus: live.prometheus.url, dataPlane: live.plane.url, stable: live.stable.url, canary: live.canary?.url, moto: moto.endpoint } : { moto: moto.endpoint },
        stages,
      }, null, 2)}\n`);
      console.log(`JSON report: ${args.json}`);
    }
    if (args.keep) {
      console.log(`\nLeft running (Ctrl-C stops everything):\n  moto (ELBv2 listener ${arns.listener}): ${moto.endpoint}`);
      if (live) {
        console.log(`  Prometheus: ${live.prometheus.url}\n  data plane (nginx standing in for the ALB): ${live.plane.url}\n  stable ${STABLE_VERSION}: ${live.stable.url}\n  canary ${live.canary?.version}: ${live.canary?.url}`);
      }
    }
    console.log(`\n${verdictLine(stages, wallMs)}`);
    const code = failedStages(stages).length ? 1 : 0;
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
