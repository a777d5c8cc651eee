/**
 * A stand-in for the ALB's data plane: nginx with one weighted upstream per release, rewritten and
 * reloaded (SIGHUP: new workers, in-flight requests finish on the old ones) whenever the listener's
 * weights change. The control plane stays moto's ELBv2: the follower polls DescribeListeners, so nginx
 * serves exactly what canary-ramp wrote, as an ALB would. Like an ALB it never retries a request on
 * the other version (proxy_next_upstream off): a failing canary's errors reach the caller.
 */
import { DescribeListenersCommand, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProc, waitForHttp, type Proc } from './processes.js';

/** Percent of requests per version. */
export interface Split {
  stable: number;
  canary: number;
}

export interface NginxConfig {
  prefix: string;
  port: number;
  stablePort: number;
  canaryPort: number;
  split: Split;
}

/** nginx.conf for one weighted upstream; a version at 0 % is `down` (nginx weights start at 1). */
export function nginxConfig(c: NginxConfig): string {
  const server = (port: number, weight: number) => `    server 127.0.0.1:${port}${weight > 0 ? ` weight=${weight}` : ' down'};`;
  const temp = (what: string) => `  ${what}_temp_path ${join(c.prefix, 'tmp', what)};`;
  return [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `pid ${join(c.prefix, 'nginx.pid')};`,
    `error_log ${join(c.prefix, 'error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp),
    '  upstream release {',
    server(c.stablePort, c.split.stable),
    server(c.canaryPort, c.split.canary),
    '    keepalive 32;',
    '  }',
    '  server {',
    `    listen 127.0.0.1:${c.port};`,
    '    location / {',
    '      proxy_pass http://release;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_next_upstream off;',
    '      proxy_read_timeout 10s;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** The listener's default forward as percentages per version (a plain forward is 100 % to its group). */
export function splitOf(actions: { TargetGroupArn?: string; ForwardConfig?: { TargetGroups?: { TargetGroupArn?: string; Weight?: number }[] } }[] | undefined, stableArn: string, canaryArn: string): Split {
  const forward = actions?.find((a) => a.ForwardConfig?.TargetGroups?.length || a.TargetGroupArn);
  const groups = forward?.ForwardConfig?.TargetGroups?.length ? forward.ForwardConfig.TargetGroups : forward?.TargetGroupArn ? [{ TargetGroupArn: forward.TargetGroupArn, Weight: 1 }] : [];
  const weight = (arn: string) => groups.filter((g) => g.TargetGroupArn === arn).reduce((a, g) => a + (g.Weight ?? 1), 0);
  const total = weight(stableArn) + weight(canaryArn);
  if (total === 0) throw new Error(`the listener forwards to neither ${stableArn} nor ${canaryArn}`);
  const canary = Math.round((weight(canaryArn) / total) * 100);
  return { stable: 100 - canary, canary };
}

export interface DataPlane {
  url: string;
  split(): Split;
  apply(split: Split): Promise<void>;
  stop(): Promise<void>;
}

export async function startDataPlane(nginx: string, c: NginxConfig): Promise<DataPlane> {
  mkdirSync(join(c.prefix, 'tmp'), { recursive: true });
  const conf = join(c.prefix, 'nginx.conf');
  let current = c.split;
  writeFileSync(conf, nginxConfig(c));
  // -e: nginx opens its default error log before reading the config; keep even that in the prefix.
  const proc: Proc = startProc('nginx', nginx, ['-p', c.prefix, '-c', conf, '-e', join(c.prefix, 'error.log')]);
  const url = `http://127.0.0.1:${c.port}`;
  await waitForHttp(`${url}/health`, proc);
  return {
    url,
    split: () => current,
    async apply(split) {
      if (split.stable === current.stable && split.canary === current.canary) return;
      writeFileSync(conf, nginxConfig({ ...c, split }));
      current = split;
      proc.child.kill('SIGHUP');
      // The master starts new workers within milliseconds; a request accepted before goes to the old split.
      await new Promise((r) => setTimeout(r, 30));
    },
    stop: () => proc.stop(),
  };
}

export interface WeightChange {
  at: number;
  split: Split;
}

interface Followed {
  listenerArn: string;
  arns: { stable: string; canary: string };
  plane: DataPlane;
  onChange: (c: WeightChange) => void;
}

/**
 * Follows listeners: every `intervalMs` reads their weights from moto (one DescribeListeners for
 * all the ramps running at once) and applies each to its data plane. `onChange` hears each change
 * once it serves traffic.
 */
export class ListenerFollower {
  private readonly followed = new Set<Followed>();
  private running = false;
  /** The poll under way, if any: a follower stopped during it waits for it, so no change comes after. */
  private poll: Promise<void> = Promise.resolve();

  constructor(private readonly elb: ElasticLoadBalancingV2Client, private readonly intervalMs = 200) {}

  /** Until stopped, `plane` serves what the listener says. */
  follow(listenerArn: string, arns: { stable: string; canary: string }, plane: DataPlane, onChange: (c: WeightChange) => void): { stop(): Promise<void> } {
    const f: Followed = { listenerArn, arns, plane, onChange };
    this.followed.add(f);
    if (!this.running) void this.run();
    return {
      stop: async () => {
        this.followed.delete(f);
        await this.poll;
      },
    };
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.followed.size) {
      this.poll = this.pollOnce([...this.followed]);
      await this.poll;
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
    this.running = false;
  }

  private async pollOnce(now: Followed[]): Promise<void> {
    try {
      const out = await this.elb.send(new DescribeListenersCommand({ ListenerArns: now.map((f) => f.listenerArn) }), { abortSignal: AbortSignal.timeout(5000) });
      await Promise.all(now.map(async (f) => {
        const listener = out.Listeners?.find((l) => l.ListenerArn === f.listenerArn);
        if (!listener || !this.followed.has(f)) return;
        const split = splitOf(listener.DefaultActions, f.arns.stable, f.arns.canary);
        const before = f.plane.split();
        if (split.stable !== before.stable || split.canary !== before.canary) {
          await f.plane.apply(split);
          f.onChange({ at: Date.now(), split });
        }
      }));
    } catch {
      // moto busy or a weight being written: the next poll reads it again.
    }
  }
}
