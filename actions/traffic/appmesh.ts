/**
 * App Mesh backend: the weighted targets of one VirtualRouter route (HTTP, HTTP2, gRPC or TCP).
 * UpdateRoute replaces the whole spec, so the described spec is written back with only the two
 * weights changed: matches, retry policies, timeouts, priority and other targets stay as they were.
 * AWS ends App Mesh on 2026-09-30; this stays correct for meshes that still run until then.
 */
import {
  AppMeshClient,
  DescribeRouteCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateRouteCommand,
  type RouteSpec,
  type WeightedTarget,
} from '@aws-sdk/client-app-mesh';
import type { AwsCall } from './call.js';
import { shellQuote } from './recovery.js';
import {
  RouterStateError, weightsFor,
  type Baseline, type TrafficRouter, type Weights,
} from './port.js';
import { MarkedRouter, arnTagStore, type TagStore } from './tags.js';

export interface AppMeshTarget {
  mesh: string;
  virtualRouter: string;
  route: string;
  canaryNode: string;
  stableNode: string;
  meshOwner?: string;
}

const KINDS = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'] as const;
type RouteKind = (typeof KINDS)[number];

/** Which protocol section the route uses (exactly one is set). */
export function routeKind(spec: RouteSpec): RouteKind {
  const kinds = KINDS.filter((k) => spec[k]);
  if (kinds.length !== 1) throw new RouterStateError(`route spec has ${kinds.length ? kinds.join(' and ') : 'no'} route section; expected exactly one of ${KINDS.join(', ')}`);
  return kinds[0];
}

function targetsOf(spec: RouteSpec): WeightedTarget[] {
  return spec[routeKind(spec)]?.action?.weightedTargets ?? [];
}

export function meshWeights(spec: RouteSpec, t: AppMeshTarget): Weights {
  let stable = 0;
  let canary = 0;
  for (const target of targetsOf(spec)) {
    const w = target.weight ?? 0;
    if (target.virtualNode === t.stableNode) stable += w;
    else if (target.virtualNode === t.canaryNode) canary += w;
    else if (w > 0) throw new RouterStateError(`route ${t.route} also sends traffic to virtual node ${target.virtualNode}; set its weight to 0 first`);
  }
  if (stable + canary === 0) throw new RouterStateError(`route ${t.route} gives neither ${t.stableNode} nor ${t.canaryNode} any weight`);
  return weightsFor(Math.round((canary * 100) / (stable + canary)));
}

function withTargets(spec: RouteSpec, targets: WeightedTarget[]): RouteSpec {
  const kind = routeKind(spec);
  const section = spec[kind]!;
  return { ...spec, [kind]: { ...section, action: { ...section.action, weightedTargets: targets } } };
}

/** The spec with the two nodes' weights set; the canary inherits the stable target's port when it had none. */
export function withMeshWeights(spec: RouteSpec, t: AppMeshTarget, w: Weights): RouteSpec {
  const current = targetsOf(spec);
  const stable = current.find((x) => x.virtualNode === t.stableNode);
  const canary = current.find((x) => x.virtualNode === t.canaryNode);
  if (!stable && !canary) throw new RouterStateError(`route ${t.route} targets neither ${t.stableNode} nor ${t.canaryNode}`);
  const port = stable?.port ?? canary?.port;
  const others = current.filter((x) => x.virtualNode !== t.stableNode && x.virtualNode !== t.canaryNode);
  const entry = (node: string, weight: number, had?: WeightedTarget): WeightedTarget =>
    ({ ...had, virtualNode: node, weight, ...(had?.port ?? port) !== undefined ? { port: had?.port ?? port } : {} });
  return withTargets(spec, [...others, entry(t.stableNode, w.stable, stable), entry(t.canaryNode, w.canary, canary)]);
}

export class AppMeshRouter extends MarkedRouter implements TrafficRouter {
  readonly kind = 'appmesh' as const;
  readonly resource: string;
  private arn?: string;
  /** The spec as last described, so an operator's restore command keeps everything else. */
  private lastSpec?: RouteSpec;
  /** The ramp mark's tag on the route. */
  protected readonly tags: TagStore;

  constructor(
    private readonly client: AppMeshClient,
    private readonly target: AppMeshTarget,
    private readonly call: AwsCall,
  ) {
    super();
    this.resource = `route ${target.route} of virtual router ${target.virtualRouter} in mesh ${target.mesh}`;
    this.tags = arnTagStore(call, (signal) => this.routeArn(signal), {
      list: (resourceArn, abortSignal) => client.send(new ListTagsForResourceCommand({ resourceArn }), { abortSignal }),
      tag: (resourceArn, tags, abortSignal) => client.send(new TagResourceCommand({ resourceArn, tags }), { abortSignal }),
      untag: (resourceArn, tagKeys, abortSignal) => client.send(new UntagResourceCommand({ resourceArn, tagKeys }), { abortSignal }),
    });
  }

  private ids() {
    const t = this.target;
    return { meshName: t.mesh, virtualRouterName: t.virtualRouter, routeName: t.route, ...(t.meshOwner ? { meshOwner: t.meshOwner } : {}) };
  }

  private async spec(signal?: AbortSignal): Promise<RouteSpec> {
    const out = await this.call('DescribeRoute', (abortSignal) => this.client.send(new DescribeRouteCommand(this.ids()), { abortSignal }), signal);
    if (!out.route?.spec) throw new RouterStateError(`${this.resource} not found`);
    this.arn = out.route.metadata?.arn;
    this.lastSpec = out.route.spec;
    return out.route.spec;
  }

  private async update(spec: RouteSpec, signal?: AbortSignal): Promise<void> {
    await this.call('UpdateRoute', (abortSignal) => this.client.send(new UpdateRouteCommand({ ...this.ids(), spec }), { abortSignal }), signal);
  }

  private async routeArn(signal?: AbortSignal): Promise<string> {
    if (!this.arn) await this.spec(signal);
    if (!this.arn) throw new RouterStateError(`${this.resource} has no ARN in DescribeRoute`);
    return this.arn;
  }

  async snapshot(signal?: AbortSignal): Promise<Baseline> {
    const spec = await this.spec(signal);
    return { weights: meshWeights(spec, this.target), detail: targetsOf(spec) };
  }

  async read(signal?: AbortSignal): Promise<Weights> {
    return meshWeights(await this.spec(signal), this.target);
  }

  async shift(percent: number, signal?: AbortSignal): Promise<void> {
    const spec = await this.spec(signal);
    meshWeights(spec, this.target); // refuses a shape we must not touch
    await this.update(withMeshWeights(spec, this.target, weightsFor(percent)), signal);
  }

  async restore(baseline: Baseline, signal?: AbortSignal): Promise<void> {
    await this.update(this.restored(await this.spec(signal), baseline), signal);
  }

  private restored(spec: RouteSpec, baseline: Baseline): RouteSpec {
    const exact = Array.isArray(baseline.detail) ? (baseline.detail as WeightedTarget[]) : null;
    return exact ? withTargets(spec, exact) : withMeshWeights(spec, this.target, baseline.weights);
  }

  /** `aws appmesh update-route` with the spec as last described and the targets as recorded before the ramp. */
  restoreCommand(baseline: Baseline): string | null {
    if (!this.lastSpec) return null;
    let spec: RouteSpec;
    try {
      spec = this.restored(this.lastSpec, baseline);
    } catch {
      return null;
    }
    const t = this.target;
    return `aws appmesh update-route --mesh-name ${t.mesh} --virtual-router-name ${t.virtualRouter} --route-name ${t.route}` +
      `${t.meshOwner ? ` --mesh-owner ${t.meshOwner}` : ''} --spec ${shellQuote(JSON.stringify(spec))}`;
  }

  async platformSteps(): Promise<null> {
    return null;
  }

  metricsScope(): undefined {
    return undefined;
  }
}
