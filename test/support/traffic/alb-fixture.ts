/** An ALB in moto with a stable, a canary and a spare target group, a listener and a path rule. */
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';

export interface AlbFixture {
  elb: ElasticLoadBalancingV2Client;
  loadBalancerArn: string;
  stable: string;
  canary: string;
  spare: string;
  /** A fresh listener (port `n`) with the given default actions. */
  listener(defaultActions: Action[]): Promise<string>;
  /** A path rule on a fresh listener with the given actions. */
  rule(actions: Action[]): Promise<{ listenerArn: string; ruleArn: string }>;
  defaultActions(listenerArn: string): Promise<Action[]>;
  ruleActions(ruleArn: string): Promise<Action[]>;
  tags(arn: string): Promise<Record<string, string>>;
  drop(listenerArn: string): Promise<void>;
}

/** The clients talk to `endpoint` through AWS_ENDPOINT_URL (set by the caller), never an `endpoint` option. */
export async function createAlbFixture(region = 'eu-central-1'): Promise<AlbFixture> {
  const ec2 = new EC2Client({ region });
  const elb = new ElasticLoadBalancingV2Client({ region });
  const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
  const vpc = subnets[0].VpcId!;
  const lb = await elb.send(new CreateLoadBalancerCommand({ Name: `web-${Date.now() % 100000}`, Subnets: subnets.slice(0, 2).map((s) => s.SubnetId!) }));
  const loadBalancerArn = lb.LoadBalancers![0].LoadBalancerArn!;
  const tg = async (name: string) =>
    (await elb.send(new CreateTargetGroupCommand({ Name: `${name}-${Date.now() % 100000}`, Protocol: 'HTTP', Port: 8080, VpcId: vpc, TargetType: 'ip' }))).TargetGroups![0].TargetGroupArn!;
  const [stable, canary, spare] = [await tg('stable'), await tg('canary'), await tg('spare')];
  let port = 8000;
  const listener = async (defaultActions: Action[]) =>
    (await elb.send(new CreateListenerCommand({ LoadBalancerArn: loadBalancerArn, Protocol: 'HTTP', Port: port++, DefaultActions: defaultActions }))).Listeners![0].ListenerArn!;
  return {
    elb, loadBalancerArn, stable, canary, spare,
    listener,
    rule: async (actions) => {
      const listenerArn = await listener([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'no route' } }]);
      const out = await elb.send(new CreateRuleCommand({
        ListenerArn: listenerArn, Priority: 10, Actions: actions,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }, { Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } }],
      }));
      return { listenerArn, ruleArn: out.Rules![0].RuleArn! };
    },
    defaultActions: async (arn) => (await elb.send(new DescribeListenersCommand({ ListenerArns: [arn] }))).Listeners![0].DefaultActions ?? [],
    ruleActions: async (arn) => (await elb.send(new DescribeRulesCommand({ RuleArns: [arn] }))).Rules![0].Actions ?? [],
    tags: async (arn) =>
      Object.fromEntries(((await elb.send(new DescribeTagsCommand({ ResourceArns: [arn] }))).TagDescriptions?.[0]?.Tags ?? []).map((t) => [t.Key!, t.Value!])),
    drop: async (arn) => void (await elb.send(new DeleteListenerCommand({ ListenerArn: arn }))),
  };
}

export const forward = (...groups: [string, number][]): Action => ({
  Type: 'forward',
  ForwardConfig: { TargetGroups: groups.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })), TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 600 } },
});
