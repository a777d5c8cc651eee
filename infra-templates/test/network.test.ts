/**
 * templates/network.yaml, from the template and from the template as each parameter file deploys
 * it: the VPC over three AZs, its subnets, NAT, endpoints, flow logs and security groups, per
 * parameter file.
 */
import { describe, expect, test } from 'vitest';
import { loadParameterFile, loadTemplate, parameterFilePath } from '../lib/files.js';
import { instantiate } from '../lib/evaluate.js';
import { props, ref, list, ofType, deployed, envRegions } from './helpers.js';

describe('network', () => {
  const t = loadTemplate('network');

  test('three AZs: one public and one private subnet in each, all distinct', () => {
    const subnets = ofType(t, 'AWS::EC2::Subnet');
    expect(subnets).toHaveLength(6);
    const azIndex = (s: Record<string, any>) => s.AvailabilityZone['Fn::Select'][0];
    for (const tier of ['public', 'private']) {
      const inTier = subnets.filter((s) => s.Tags.some((tag: any) => tag.Key === 'tier' && tag.Value === tier));
      expect(inTier.map(azIndex).sort()).toEqual([0, 1, 2]);
      for (const s of inTier) expect(s.AvailabilityZone['Fn::Select'][1]).toEqual({ 'Fn::GetAZs': '' });
    }
    const cidrIndexes = subnets.map((s) => s.CidrBlock['Fn::Select'][0]).sort();
    expect(cidrIndexes).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('each interface endpoint (ECR api and dkr, Logs, SSM, Secrets Manager) in all private subnets, and the S3 gateway on every private route table', () => {
    const endpoints = ofType(t, 'AWS::EC2::VPCEndpoint');
    const service = (e: any) => String(e.ServiceName['Fn::Sub']).replace('com.amazonaws.${AWS::Region}.', '');
    const iface = endpoints.filter((e) => e.VpcEndpointType === 'Interface');
    expect(iface.map(service).sort()).toEqual(['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'ssm']);
    for (const e of iface) {
      expect(e.PrivateDnsEnabled).toBe(true);
      expect(e.SubnetIds).toEqual([ref('PrivateSubnet1'), ref('PrivateSubnet2'), ref('PrivateSubnet3')]);
      expect(e.SecurityGroupIds).toEqual([ref('EndpointSecurityGroup')]);
    }
    const gateway = endpoints.filter((e) => e.VpcEndpointType === 'Gateway');
    expect(gateway.map(service)).toEqual(['s3']);
    expect(gateway[0].RouteTableIds).toEqual([ref('PrivateRouteTable1'), ref('PrivateRouteTable2'), ref('PrivateRouteTable3')]);
  });

  test('NAT per AZ or one shared NAT, by the cost parameter', () => {
    const nats = (mode: string) => ofType(instantiate(t, { NatGatewayMode: mode, CloudFrontOriginPrefixListId: 'pl-1' }), 'AWS::EC2::NatGateway');
    expect(nats('PerAz')).toHaveLength(3);
    expect(nats('Single')).toHaveLength(1);
    const routes = (mode: string) => ofType(instantiate(t, { NatGatewayMode: mode, CloudFrontOriginPrefixListId: 'pl-1' }), 'AWS::EC2::Route').filter((r) => r.NatGatewayId).map((r) => r.NatGatewayId.Ref);
    expect(routes('PerAz')).toEqual(['NatGateway1', 'NatGateway2', 'NatGateway3']);
    expect(routes('Single')).toEqual(['NatGateway1', 'NatGateway1', 'NatGateway1']);
    expect(deployed('network', 'prod', 'eu-central-1').Resources.NatGateway3).toBeDefined();
  });

  test('flow logs of all traffic go to a log group with retention', () => {
    const [flow] = ofType(t, 'AWS::EC2::FlowLog');
    expect(flow).toMatchObject({ ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    expect(props(t.Resources.FlowLogGroup).RetentionInDays).toBeDefined();
  });

  test('security groups: ALB only from CloudFront on 443 and only to service ports; services by group reference, never by CIDR', () => {
    const alb = props(t.Resources.AlbSecurityGroup);
    expect(alb.SecurityGroupIngress).toEqual([expect.objectContaining({ FromPort: 443, ToPort: 443, SourcePrefixListId: ref('CloudFrontOriginPrefixListId') })]);
    expect(alb.SecurityGroupEgress.map((e: any) => [e.FromPort, e.DestinationSecurityGroupId])).toEqual([
      [ref('ServicePort'), ref('ServiceSecurityGroup')],
      [ref('GrpcPort'), ref('ServiceSecurityGroup')],
    ]);
    const ingress = ofType(t, 'AWS::EC2::SecurityGroupIngress').filter((r) => r.GroupId.Ref === 'ServiceSecurityGroup');
    expect(ingress.length).toBe(4);
    for (const r of ingress) {
      expect(r.CidrIp).toBeUndefined();
      expect(['AlbSecurityGroup', 'ServiceSecurityGroup']).toContain(r.SourceSecurityGroupId.Ref);
      expect([ref('ServicePort'), ref('GrpcPort')]).toContainEqual(r.FromPort);
    }
    const egress = ofType(t, 'AWS::EC2::SecurityGroupEgress').filter((r) => r.GroupId.Ref === 'ServiceSecurityGroup');
    expect(egress.map((r) => r.DestinationSecurityGroupId?.Ref ?? r.CidrIp)).toEqual(['ServiceSecurityGroup', 'ServiceSecurityGroup', { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }]);
    expect(props(t.Resources.ServiceSecurityGroup).SecurityGroupEgress).toEqual([expect.objectContaining({ FromPort: 443, ToPort: 443 })]);
    // Route 53's checkers in a group of their own (the two prefix lists' weights exceed one group's
    // default 60 rules); it opens 443 to them and nothing else, in or out.
    const checks = props(t.Resources.AlbHealthCheckSecurityGroup);
    expect(checks.SecurityGroupIngress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: ref('Route53HealthCheckPrefixListId') })]);
    expect(checks.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' })]);
    expect(props(t.Resources.EndpointSecurityGroup).SecurityGroupIngress).toEqual([expect.objectContaining({ FromPort: 443, SourceSecurityGroupId: ref('ServiceSecurityGroup') })]);
  });

  test.each(envRegions)('$env/$region uses that region\'s CloudFront origin-facing prefix list', ({ env, region }) => {
    const expected = { 'eu-central-1': 'pl-a3a144ca', 'eu-west-1': 'pl-4fa04526' }[region];
    expect(loadParameterFile(parameterFilePath(env, region, 'network')).CloudFrontOriginPrefixListId).toBe(expected);
  });
});
