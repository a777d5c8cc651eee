/**
 * `npm run rehearse`: the delivery pipeline end to end on this machine, through the same built
 * bundles a runner executes. AWS is a real moto server; CloudWatch is the local fake that serves
 * synthetic ALB metrics per target group. No AWS account and no Docker engine needed.
 *
 *   build-scan-push  the auth service's image (buildah, FROM a locally assembled Node 24 base),
 *                    scanned when Trivy is on PATH, pushed to a local registry by digest
 *   deploy-stack   ALB + listener (stable 100 %) + canary target group, from a template, with that image
 *   deploy-stack   the same again: an empty change set, nothing executed
 *   slo-gate       healthy canary vs the stable baseline → pass
 *   canary-ramp    healthy canary, 10 → 50 → 100 % → promoted
 *   rollback       back to stable 100 %
 *   canary-ramp    failing canary (8 % errors) → rolled back at its first step
 *   slo-gate       idle canary → inconclusive (no data is not a pass)
 *
 * Exits non-zero when any stage ends other than expected. Without buildah and docker-registry
 * (`bash .ci/setup.d/containers.sh` installs them) the build stage is skipped, and says so.
 */
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveTools, startRegistry, type Registry } from '../test/build-scan-push/support/registry.js';
import { assembleBaseImage, defaultNodeBinary } from '../services/images/base-image.js';
import { buildContext } from '../services/images/bundle.js';
import { serviceImage } from '../services/images/services.js';
import { awsClient } from '../actions/lib/aws.js';
import { formatDuration } from '../actions/lib/duration.js';
import { loadBalancerDimension, targetGroupDimension } from '../actions/traffic/alb.js';
import { startFakeCloudWatch, type FakeCloudWatch, type ScenarioName } from '../test/support/fake-cloudwatch.js';
import { repoRoot, runBundle, type RunResult } from '../test/support/harness.js';
import { startMoto, type Moto } from '../test/support/moto.js';

const REGION = 'eu-central-1';
const SLO = 'p95 < 200ms\nerror-rate < 1%\np99 < 1.5x baseline';

interface Stage {
  name: string;
  expected: string;
  got: string;
  ms: number;
  detail: string;
}

const stages: Stage[] = [];

async function stage(name: string, expected: string, run: () => Promise<{ got: string; detail: string; result: RunResult }>): Promise<RunResult> {
  const t0 = Date.now();
  process.stdout.write(`▶ ${name} … `);
  const { got, detail, result } = await run();
  const ms = Date.now() - t0;
  stages.push({ name, expected, got, ms, detail });
  console.log(`${got === expected ? '✔' : '✘'} ${got} (${formatDuration(ms)})${detail ? ` — ${detail}` : ''}`);
  if (got !== expected) {
    console.log(result.stdout.split('\n').slice(-25).join('\n'));
    if (result.stderr.trim()) console.log(result.stderr.split('\n').slice(-10).join('\n'));
  }
  return result;
}

async function listenerWeights(elb: ElasticLoadBalancingV2Client, listenerArn: string): Promise<string> {
  const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }));
  const groups = out.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups ?? [];
  return groups.map((g) => `${g.TargetGroupArn?.split('/')[1]} ${g.Weight}`).join(' / ');
}

const PLACEHOLDER_IMAGE = `registry.local/auth@sha256:${'0'.repeat(64)}`;

/**
 * build-scan-push on the real auth service: bundle it into a build context, assemble the Node 24
 * base image locally (nothing can be pulled here) in the registry's buildah storage, build, push,
 * and check the digest output against the registry's own manifest digest. Returns the image ref.
 */
async function buildStage(env: Record<string, string>): Promise<string> {
  const missing = haveTools('buildah', 'docker-registry', 'skopeo', 'htpasswd');
  const name = 'build-scan-push: auth image → local registry';
  if (missing.length) {
    const why = `${missing.join(', ')} not installed (bash .ci/setup.d/containers.sh installs them)`;
    stages.push({ name, expected: 'skipped', got: 'skipped', ms: 0, detail: why });
    console.log(`▶ ${name} … skipped: ${why}`);
    return PLACEHOLDER_IMAGE;
  }
  let registry: Registry | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'rehearse-build-'));
  try {
    registry = await startRegistry();
    const storageConf = readFileSync(registry.env.CONTAINERS_STORAGE_CONF, 'utf8');
    const root = /graphroot = "([^"]+)"/.exec(storageConf)?.[1];
    const runroot = /runroot = "([^"]+)"/.exec(storageConf)?.[1];
    const base = await assembleBaseImage({ root, runroot, nodeBinary: defaultNodeBinary(repoRoot) });
    const context = join(scratch, 'auth');
    await buildContext(serviceImage('auth'), context);
    const trivy = haveTools('trivy').length === 0;
    const reg = registry;
    const result = await stage(name, 'pushed', async () => {
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
        },
        env: { ...env, ...reg.env, GITHUB_WORKSPACE: scratch },
        timeoutMs: 300_000,
      });
      const registryDigest = await reg.manifestDigest('auth', 'rehearsal');
      const pushed = result.code === 0 && !!result.outputs.digest && result.outputs.digest === registryDigest;
      const scan = trivy ? 'scanned' : 'scan skipped: no trivy on PATH (the gate is tested on recorded reports)';
      return { got: pushed ? 'pushed' : `exit ${result.code}`, detail: `${result.outputs.image ?? ''} = registry digest; ${scan}`, result };
    });
    return result.outputs.image || PLACEHOLDER_IMAGE;
  } finally {
    await registry?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  let moto: Moto | undefined;
  let cw: FakeCloudWatch | undefined;
  try {
    // deploy-stack deploys through change sets: moto must give such stacks their outputs, as AWS does.
    moto = await startMoto(REGION, { changeSetOutputs: true });
    // The fake's clock runs ahead so seconds-long steps already have a complete minute of data.
    cw = await startFakeCloudWatch({ now: () => Date.now() + 5 * 60_000 });
    Object.assign(process.env, moto.env);
    const env = { ...moto.env, AWS_ENDPOINT_URL_CLOUDWATCH: cw.endpoint };
    console.log(`moto on ${moto.endpoint}, CloudWatch on ${cw.endpoint}\n`);

    const ec2 = awsClient(EC2Client, { region: REGION });
    const elb = awsClient(ElasticLoadBalancingV2Client, { region: REGION });
    const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs?.[0]?.VpcId;
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc!] }] }))).Subnets ?? [];
    const image = await buildStage(env);
    const template = join(repoRoot, 'scripts/rehearsal/ramp-stack.yaml');
    const deployInputs = {
      name: 'rehearsal-auth',
      template,
      parameters: `Subnets=${subnets.slice(0, 2).map((s) => s.SubnetId).join(',')}\nVpcId=${vpc}\nImageUri=${image}`,
      region: REGION,
    };

    const deployed = await stage('deploy-stack: create the ramp stack', 'created', async () => {
      const result = await runBundle('deploy-stack', { inputs: deployInputs, env });
      return { got: result.code === 0 ? 'created' : `exit ${result.code}`, detail: `status ${result.outputs.status}`, result };
    });
    const { ListenerArn: listenerArn, StableTargetGroupArn: stableArn, CanaryTargetGroupArn: canaryArn } = deployed.outputs;
    if (!listenerArn || !stableArn || !canaryArn) throw new Error(`deploy-stack gave no ListenerArn/StableTargetGroupArn/CanaryTargetGroupArn outputs: ${JSON.stringify(deployed.outputs)}`);
    
    await stage('deploy-stack: deploy again, no changes', 'no changes', async () => {
      const result = await runBundle('deploy-stack', { inputs: deployInputs, env });
      const noop = result.code === 0 && /no changes/i.test(result.stdout);
      return { got: noop ? 'no changes' : `exit ${result.code}`, detail: `outcome ${result.outputs.outcome ?? '?'}`, result };
    });

    const setCanary = (s: ScenarioName) => {
      cw!.setScenario(targetGroupDimension(stableArn), 'healthy');
      cw!.setScenario(targetGroupDimension(canaryArn), s);
    };
    const gate = (scenario: ScenarioName, expected: string) =>
      stage(`slo-gate: ${scenario} canary vs stable`, expected, async () => {
        setCanary(scenario);
        const result = await runBundle('slo-gate', {
          inputs: {
            preset: 'alb',
            'load-balancer': loadBalancerDimension(listenerArn),
            'canary-target-group': targetGroupDimension(canaryArn),
            'baseline-target-group': targetGroupDimension(stableArn),
            window: '5m',
            slo: SLO,
            region: REGION,
          },
          env,
        });
        return { got: result.outputs.result ?? `exit ${result.code}`, detail: result.outputs.reason ?? '', result };
      });
    const ramp = (scenario: ScenarioName, expected: string) =>
      stage(`canary-ramp: ${scenario} canary, steps 10,50,100`, expected, async () => {
        setCanary(scenario);
        const result = await runBundle('canary-ramp', {
          inputs: {
            router: 'alb',
            'listener-arn': listenerArn,
            'stable-target-group-arn': stableArn,
            'canary-target-group-arn': canaryArn,
            steps: '10,50,100',
            'bake-time': '3s',
            'analysis-interval': '1s',
            slo: SLO,
            region: REGION,
          },
          env,
        });
        return {
          got: result.outputs.result ?? `exit ${result.code}`,
          detail: `steps completed ${result.outputs['steps-completed']}, listener ${await listenerWeights(elb, listenerArn)}`,
          result,
        };
      });

    await gate('healthy', 'pass');
    await ramp('healthy', 'promoted');
    await stage('rollback: to stable', 'stable 100 %', async () => {
      const result = await runBundle('rollback', {
        inputs: { router: 'alb', 'listener-arn': listenerArn, 'stable-target-group-arn': stableArn, 'canary-target-group-arn': canaryArn, to: 'stable', region: REGION },
        env,
      });
      const weights = await listenerWeights(elb, listenerArn);
      return { got: result.code === 0 && /blue 100/.test(weights) ? 'stable 100 %' : `exit ${result.code}`, detail: `listener ${weights}`, result };
    });
    await ramp('failing', 'rolled-back');
    await gate('idle', 'inconclusive');
  } finally {
    await cw?.stop();
    await moto?.stop();
  }

  const failed = stages.filter((s) => s.got !== s.expected);
  console.log('\n| stage | expected | got | time |\n| --- | --- | --- | --- |');
  for (const s of stages) console.log(`| ${s.name} | ${s.expected} | ${s.got} | ${formatDuration(s.ms)} |`);
  console.log(failed.length ? `\n${failed.length} stage(s) did not end as expected.` : `\nRehearsal passed: ${stages.length} stages.`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`rehearsal failed: ${err instanceof Error ? err.stack : err}`);
    process.exit(1);
  },
);
