/**
 * The specification's numbers for the platform core (network, registry, cluster, mesh, discovery,
 * edge, service), read from the templates and from the templates as deployed with each parameter
 * file (conditions evaluated, Fn::If branches chosen).
 */
import { describe, expect, test } from 'vitest';
import { type Resource, type Template } from '../lib/parse.js';
import { ENVIRONMENTS, REGIONS, loadParameterFile, loadTemplate, parameterFilePath, parameterFiles } from '../lib/files.js';
import { policyStatements, resourcesOfType } from '../lib/policies.js';
import { instantiate } from '../lib/evaluate.js';

const SERVICES = ['auth', 'persona', 'vc-start'] as const;
const envRegions = ENVIRONMENTS.flatMap((env) => REGIONS.map((region) => ({ env, region })));

/** The stack as one parameter file deploys it. */
function deployed(stack: string, env: string, region: string): Template {
  return instantiate(loadTemplate(stack), loadParameterFile(parameterFilePath(env, region, stack)));
}

const props = (r: Resource): Record<string, any> => r.Properties ?? {};
const ofType = (t: Template, type: string): Record<string, any>[] => resourcesOfType(t, type).map(([id, r]) => ({ id, ...props(r) }));
const ref = (id: string) => ({ Ref: id });
/** What ELB accepts as a load balancer name: 1-32 alphanumerics and hyphens, no hyphen at either end. */
const ALB_NAME = /^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

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

describe('registry', () => {
  const t = loadTemplate('registry');

  test('every repository: immutable tags, scan on push, KMS, a lifecycle policy that expires untagged images and caps tagged ones', () => {
    const repos = ofType(t, 'AWS::ECR::Repository');
    expect(repos.map((r) => r.RepositoryName['Fn::Sub'])).toEqual(SERVICES.map((s) => `\${RepositoryPrefix}/${s}`));
    for (const r of repos) {
      expect(r.ImageTagMutability).toBe('IMMUTABLE');
      expect(r.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
      expect(r.EncryptionConfiguration).toEqual({ EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': ['RegistryKey', 'Arn'] } });
      const policy = JSON.parse(r.LifecyclePolicy.LifecyclePolicyText['Fn::Sub'].replace(/\$\{\w+\}/g, '1'));
      expect(policy.rules.map((x: any) => x.selection.tagStatus)).toEqual(['untagged', 'tagged']);
      expect(policy.rules.every((x: any) => x.action.type === 'expire')).toBe(true);
    }
    expect(props(t.Resources.RegistryKey).EnableKeyRotation).toBe(true);
  });

  test.each(ENVIRONMENTS)('%s: eu-central-1 replicates to eu-west-1, which replicates nowhere', (env) => {
    const primary = deployed('registry', env, 'eu-central-1').Resources.Replication;
    expect(props(primary).ReplicationConfiguration.Rules[0].Destinations).toEqual([{ Region: 'eu-west-1', RegistryId: ref('AWS::AccountId') }]);
    expect(deployed('registry', env, 'eu-west-1').Resources.Replication).toBeUndefined();
  });
});

describe('cluster', () => {
  const cluster = props(loadTemplate('cluster').Resources.Cluster);

  test('Container Insights on; FARGATE and FARGATE_SPOT providers; a default strategy with an on-demand base and a Spot share', () => {
    expect(cluster.ClusterSettings).toContainEqual({ Name: 'containerInsights', Value: 'enhanced' });
    expect(cluster.CapacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(cluster.DefaultCapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: ref('OnDemandBase'), Weight: ref('OnDemandWeight') },
      { CapacityProvider: 'FARGATE_SPOT', Weight: ref('SpotWeight') },
    ]);
  });

  test.each(envRegions)('$env/$region puts some tasks on Spot', ({ env, region }) => {
    expect(Number(loadParameterFile(parameterFilePath(env, region, 'cluster')).SpotWeight)).toBeGreaterThan(0);
  });
});

describe('discovery', () => {
  const t = loadTemplate('discovery');

  test('private DNS namespace svc.local; each service: A records with the 5-10 s TTL parameter, ECS-driven health', () => {
    expect(t.Parameters!.NamespaceName.Default).toBe('svc.local');
    expect(t.Parameters!.DnsTtlSeconds).toMatchObject({ MinValue: 5, MaxValue: 10 });
    expect(Number(t.Parameters!.DnsTtlSeconds.Default)).toBeGreaterThanOrEqual(5);
    expect(Number(t.Parameters!.DnsTtlSeconds.Default)).toBeLessThanOrEqual(10);
    const services = ofType(t, 'AWS::ServiceDiscovery::Service');
    expect(services.map((s) => s.Name)).toEqual([...SERVICES]);
    for (const s of services) {
      expect(s.DnsConfig.DnsRecords).toEqual([{ Type: 'A', TTL: ref('DnsTtlSeconds') }]);
      expect(s.HealthCheckCustomConfig).toEqual({ FailureThreshold: ref('FailureThreshold') });
    }
  });

  test.each(envRegions)('$env/$region TTL is between 5 and 10 s', ({ env, region }) => {
    const ttl = Number(loadParameterFile(parameterFilePath(env, region, 'discovery')).DnsTtlSeconds);
    expect(ttl).toBeGreaterThanOrEqual(5);
    expect(ttl).toBeLessThanOrEqual(10);
  });
});

describe('mesh', () => {
  const t = loadTemplate('mesh');
  const appMesh = instantiate(t, { MeshMode: 'AppMesh', ClientCertificateDir: '/etc/mesh-tls' });
  const serviceConnect = instantiate(t, {});

  test('Service Connect is the default; App Mesh is the other variant of the same parameter', () => {
    expect(t.Parameters!.MeshMode).toMatchObject({ Default: 'ServiceConnect', AllowedValues: ['ServiceConnect', 'AppMesh'] });
    expect(ofType(serviceConnect, 'AWS::AppMesh::Mesh')).toHaveLength(0);
    expect(ofType(serviceConnect, 'AWS::IAM::Role')).toHaveLength(1);
    expect(ofType(appMesh, 'AWS::AppMesh::Mesh')).toHaveLength(1);
    expect(ofType(serviceConnect, 'AWS::ACMPCA::CertificateAuthority')[0].UsageMode).toBe('SHORT_LIVED_CERTIFICATE');
    expect(ofType(appMesh, 'AWS::ACMPCA::CertificateAuthority')[0].UsageMode).toBe('GENERAL_PURPOSE');
  });

  test('App Mesh: a virtual service, router and weighted route for auth, persona and vc-start', () => {
    expect(ofType(appMesh, 'AWS::AppMesh::VirtualService').map((s) => s.VirtualServiceName['Fn::Sub'])).toEqual(SERVICES.map((s) => `${s}.\${NamespaceName}`));
    expect(ofType(appMesh, 'AWS::AppMesh::VirtualRouter').map((r) => r.VirtualRouterName)).toEqual(SERVICES.map((s) => `${s}-router`));
    expect(ofType(appMesh, 'AWS::AppMesh::VirtualNode').map((n) => n.VirtualNodeName)).toEqual(SERVICES.flatMap((s) => [`${s}-stable`, `${s}-canary`]));
    for (const route of ofType(appMesh, 'AWS::AppMesh::Route')) {
      const spec = route.Spec.HttpRoute ?? route.Spec.GrpcRoute;
      expect(spec.Action.WeightedTargets).toHaveLength(2);
      expect(spec.RetryPolicy.MaxRetries).toBe(2);
      expect(spec.RetryPolicy.PerRetryTimeout).toEqual({ Unit: 'ms', Value: 2000 });
      expect(spec.Timeout.PerRequest).toEqual({ Unit: 's', Value: 15 });
    }
    expect(ofType(appMesh, 'AWS::AppMesh::Route').filter((r) => r.Spec.GrpcRoute).map((r) => r.RouteName)).toEqual(['persona-route']);
  });

  test.each(t.Parameters!.CanaryWeight.AllowedValues as string[])('canary weight %s: the two targets add up to 100', (w) => {
    for (const route of ofType(instantiate(t, { MeshMode: 'AppMesh', CanaryWeight: w }), 'AWS::AppMesh::Route')) {
      const targets = (route.Spec.HttpRoute ?? route.Spec.GrpcRoute).Action.WeightedTargets;
      expect(Number(targets[0].Weight) + Number(targets[1].Weight)).toBe(100);
      expect(Number(targets[1].Weight)).toBe(Number(w));
    }
  });

  test('every virtual node: TLS from the private CA, mutual when configured, outlier detection, a connection pool, timeouts, a health check', () => {
    for (const node of ofType(appMesh, 'AWS::AppMesh::VirtualNode')) {
      const [listener] = node.Spec.Listeners;
      expect(listener.TLS.Mode).toBe('STRICT');
      expect(Object.keys(listener.TLS.Certificate)).toEqual(['ACM']);
      expect(listener.TLS.Validation.Trust.File.CertificateChain).toBeDefined();
      expect(listener.OutlierDetection).toMatchObject({ MaxServerErrors: 5, MaxEjectionPercent: 50 });
      expect(listener.ConnectionPool.HTTP ?? listener.ConnectionPool.GRPC).toBeDefined();
      expect(Object.values(listener.Timeout)[0]).toMatchObject({ PerRequest: { Unit: 's', Value: 15 } });
      expect(listener.HealthCheck.Protocol).toBe(listener.PortMapping.Protocol);
      const client = node.Spec.BackendDefaults.ClientPolicy.TLS;
      expect(client.Enforce).toBe(true);
      expect(client.Validation.Trust.ACM.CertificateAuthorityArns).toEqual([ref('PrivateCa')]);
      expect(client.Certificate.File).toBeDefined();
    }
    for (const cert of ofType(appMesh, 'AWS::CertificateManager::Certificate')) expect(cert.CertificateAuthorityArn).toEqual(ref('PrivateCa'));
  });

  test('Service Connect: TLS role with the KMS key, and one per-request timeout for both variants', () => {
    expect(serviceConnect.Outputs!.ServiceConnectTlsRoleArn).toBeDefined();
    expect(serviceConnect.Outputs!.PerRequestTimeoutSeconds.Value).toBe(15);
    expect(props(serviceConnect.Resources.ServiceConnectTlsKey).EnableKeyRotation).toBe(true);
  });
});

describe('edge', () => {
  const t = loadTemplate('edge');

  test('HTTPS with ACM and a TLS 1.2+ policy; anything without a rule match is 403', () => {
    const [listener] = ofType(t, 'AWS::ElasticLoadBalancingV2::Listener');
    expect(listener).toMatchObject({ Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: ref('CertificateArn') }] });
    expect(listener.SslPolicy).toMatch(/TLS13-1-2/);
    expect(listener.DefaultActions[0].FixedResponseConfig.StatusCode).toBe('403');
    expect(ofType(t, 'AWS::ElasticLoadBalancingV2::Listener')).toHaveLength(1); // no plain HTTP
  });

  test('path rules /api/auth/* and /api/persona/*, each only with the origin secret header, stable 100 / canary 0', () => {
    // The legacy path's rule (Strangler Fig) is resilience.test.ts's.
    const rules = ofType(t, 'AWS::ElasticLoadBalancingV2::ListenerRule').filter((r) => r.id !== 'RegionalHealthCheckRule' && r.id !== 'LegacyRule');
    expect(rules).toHaveLength(3);
    const paths = rules.map((r) => r.Conditions.find((c: any) => c.Field === 'path-pattern').PathPatternConfig.Values[0]);
    expect(paths).toEqual(expect.arrayContaining(['/api/auth/*', '/api/persona/*']));
    for (const r of rules) {
      expect(r.Conditions.find((c: any) => c.Field === 'http-header').HttpHeaderConfig.HttpHeaderName).toEqual(ref('OriginHeaderName'));
      expect(r.Actions[0].ForwardConfig.TargetGroups.map((g: any) => g.Weight)).toEqual([100, 0]);
    }
  });

  test('Route 53 health checks: the regional name answers the health path with a fixed 200 and nothing else', () => {
    const rule = t.Resources.RegionalHealthCheckRule;
    expect(rule.Condition).toBe('HasRegionalName');
    const p = props(rule);
    // Only the regional name (CloudFront sends Host: OriginHostName), only the health path, before every service rule.
    expect(p.Conditions).toEqual([
      { Field: 'host-header', HostHeaderConfig: { Values: [ref('RegionalOriginHostName')] } },
      { Field: 'path-pattern', PathPatternConfig: { Values: [ref('HealthCheckPath')] } },
    ]);
    expect(p.Actions).toEqual([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'ok' } }]);
    const others = ofType(t, 'AWS::ElasticLoadBalancingV2::ListenerRule').filter((r) => r.id !== 'RegionalHealthCheckRule');
    for (const r of others) expect(r.Priority).toBeGreaterThan(p.Priority);
    expect(props(t.Resources.LoadBalancer).SecurityGroups).toEqual([
      { 'Fn::ImportValue': { 'Fn::Sub': '${NetworkStack}-AlbSecurityGroupId' } },
      { 'Fn::ImportValue': { 'Fn::Sub': '${NetworkStack}-AlbHealthCheckSecurityGroupId' } },
    ]);
    for (const { env, region } of envRegions) {
      const rendered = deployed('edge', env, region);
      expect(rendered.Resources.RegionalHealthCheckRule, `${env}/${region}`).toBeDefined();
    }
  });

  test('target groups: health checks (gRPC health for persona) and a deregistration delay tuned below the 300 s default', () => {
    // The service groups; the legacy path's (a Lambda group and its replacement's) are resilience.test.ts's.
    const groups = ofType(t, 'AWS::ElasticLoadBalancingV2::TargetGroup').filter((g) => !g.id.startsWith('Legacy'));
    expect(groups).toHaveLength(6);
    for (const g of groups) {
      const service = g.Tags.find((x: any) => x.Key === 'service').Value;
      if (service === 'persona') {
        expect(g.ProtocolVersion).toBe('GRPC');
        expect(g.HealthCheckPath).toBe('/grpc.health.v1.Health/Check');
        expect(g.Matcher).toEqual({ GrpcCode: '0' });
      } else {
        expect(g.HealthCheckPath).toBe('/ready');
        expect(g.Matcher).toEqual({ HttpCode: '200' });
      }
      expect(g.TargetGroupAttributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: ref('DeregistrationDelaySeconds') });
    }
    for (const { env, region } of envRegions) expect(Number(loadParameterFile(parameterFilePath(env, region, 'edge')).DeregistrationDelaySeconds)).toBeLessThan(60);
  });

  test('the ALB is named after its stack (what the service stacks call EdgeStack), within the 32 characters ALB names allow', () => {
    // A known name lets the security stack narrow canary-ramp's listener permissions to this ALB.
    expect(props(t.Resources.LoadBalancer).Name).toEqual(ref('AWS::StackName'));
    for (const { env, region } of envRegions) {
      const edgeStacks = new Set([...parameterFiles(env, region, 'service'), parameterFilePath(env, region, 'observability')].map((f) => loadParameterFile(f).EdgeStack));
      expect([...edgeStacks], `${env}/${region}`).toEqual([`${env}-edge`]);
      for (const name of edgeStacks) expect(String(name), `${env}/${region}`).toMatch(ALB_NAME);
    }
    expect('x'.repeat(33)).not.toMatch(ALB_NAME);
  });

  test('CloudFront in the primary region only, sending the secret header over HTTPS; WAF optional', () => {
    for (const env of ENVIRONMENTS) {
      const primary = deployed('edge', env, 'eu-central-1');
      const origin = props(primary.Resources.Distribution).DistributionConfig.Origins[0];
      expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
      expect(origin.OriginCustomHeaders[0].HeaderName).toBe('X-Origin-Verify');
      expect(primary.Resources.OriginVerifySecret).toBeDefined();
      const secondary = deployed('edge', env, 'eu-west-1');
      expect(secondary.Resources.Distribution).toBeUndefined();
      expect(secondary.Resources.OriginVerifySecret).toBeUndefined();
    }
    expect(instantiate(t, { EnableRegionalWaf: 'true' }).Resources.RegionalWebAclAssociation).toBeDefined();
    expect(instantiate(t, { EnableRegionalWaf: 'false' }).Resources.RegionalWebAcl).toBeUndefined();
  });
});

describe('service', () => {
  const t = loadTemplate('service');
  const base = { ServiceName: 'auth', ImageUri: '111111111111.dkr.ecr.eu-central-1.amazonaws.com/mesh/auth@sha256:' + '0'.repeat(64) };
  const containers = (tpl: Template) => props(tpl.Resources.TaskDefinition).ContainerDefinitions as Record<string, any>[];

  test('app + ADOT collector; Envoy (256 CPU units, 256 MiB) only under App Mesh', () => {
    expect(containers(instantiate(t, base)).map((c) => c.Name)).toEqual(['app', 'otel-collector']);
    const mesh = instantiate(t, { ...base, MeshMode: 'AppMesh', DeploymentShape: 'MeshRamp' });
    const envoy = containers(mesh).find((c) => c.Name === 'envoy')!;
    expect(envoy).toMatchObject({ Cpu: 256, Memory: 256, User: '1337', Essential: true });
    expect(props(mesh.Resources.TaskDefinition).ProxyConfiguration.Type).toBe('APPMESH');
    expect(containers(mesh).find((c) => c.Name === 'app')!.DependsOn).toContainEqual({ ContainerName: 'envoy', Condition: 'HEALTHY' });
  });

  test('separate execution and task roles; secrets injected from Secrets Manager and SSM', () => {
    const td = props(t.Resources.TaskDefinition);
    expect(td.ExecutionRoleArn).toEqual({ 'Fn::GetAtt': ['ExecutionRole', 'Arn'] });
    expect(td.TaskRoleArn).toEqual({ 'Fn::GetAtt': ['TaskRole', 'Arn'] });
    const app = containers(instantiate(t, { ...base, AppSecretName: 'mesh/staging/auth/jwt-signing-key', ConfigParameterPath: '/mesh/auth' })).find((c) => c.Name === 'app')!;
    expect(app.Secrets.map((s: any) => s.Name)).toEqual(['APP_SECRET', 'APP_CONFIG']);
    expect(app.Secrets[0].ValueFrom).toBe('mesh/staging/auth/jwt-signing-key');
    expect(app.Secrets[1].ValueFrom['Fn::Sub']).toMatch(/:ssm:.*parameter\$\{ConfigParameterPath\}\/config$/);
    expect(app.Environment.some((e: any) => /SECRET|PASSWORD|TOKEN/i.test(e.Name))).toBe(false);
  });

  test('every container logs to one group with retention: the observability stack\'s for the service, else its own', () => {
    const own = instantiate(t, { ...base, MeshMode: 'AppMesh', DeploymentShape: 'MeshRamp' });
    for (const c of containers(own)) expect(c.LogConfiguration).toMatchObject({ LogDriver: 'awslogs', Options: { 'awslogs-group': ref('LogGroup') } });
    expect(props(own.Resources.LogGroup).RetentionInDays).toBe(30);
    const shared = instantiate(t, { ...base, MeshMode: 'AppMesh', DeploymentShape: 'MeshRamp', ObservabilityStack: 'staging-observability' });
    expect(shared.Resources.LogGroup).toBeUndefined();
    const groups = containers(shared).map((c) => c.LogConfiguration.Options['awslogs-group']['Fn::ImportValue']['Fn::Sub']);
    expect(groups).toEqual(containers(shared).map(() => ['${ObservabilityStack}-${Svc}LogGroupName', { Svc: 'Auth' }]));
    const serviceConnectLogs = props(instantiate(t, { ...base, ObservabilityStack: 'x' }).Resources.Service).ServiceConnectConfiguration.LogConfiguration;
    expect(serviceConnectLogs.Options['awslogs-group']['Fn::ImportValue']).toBeDefined();
  });

  test('database through RDS Proxy with IAM authentication when a data stack is named', () => {
    const withDb = instantiate(t, { ...base, DataStack: 'staging-data' });
    const env = containers(withDb).find((c) => c.Name === 'app')!.Environment.map((e: any) => e.Name);
    expect(env).toEqual(expect.arrayContaining(['PGHOST', 'PGPORT', 'PGUSER', 'PGSSLMODE']));
    const statements = props(withDb.Resources.TaskRole).Policies[0].PolicyDocument.Statement;
    expect(statements.find((x: any) => x.Sid === 'ConnectToDatabase').Action).toBe('rds-db:connect');
    expect(props(instantiate(t, base).Resources.TaskRole).Policies[0].PolicyDocument.Statement.some((x: any) => x.Sid === 'ConnectToDatabase')).toBe(false);
  });

  test.each([
    ['EcsCanary', 'CANARY'],
    ['EcsLinear', 'LINEAR'],
  ])('%s: ECS native %s with a PAUSE hook before each production shift, two target groups and the listener rule', (shape, strategy) => {
    const service = props(instantiate(t, { ...base, DeploymentShape: shape }).Resources.Service);
    expect(service.DeploymentConfiguration.Strategy).toBe(strategy);
    expect(service.DeploymentConfiguration.LifecycleHooks).toEqual([
      { TargetType: 'PAUSE', LifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'], TimeoutConfiguration: { TimeoutInMinutes: 360, Action: 'ROLLBACK' } },
    ]);
    const lb = service.LoadBalancers[0];
    expect(lb.AdvancedConfiguration.AlternateTargetGroupArn['Fn::ImportValue']['Fn::Sub'][0]).toBe('${EdgeStack}-${Svc}CanaryTargetGroupArn');
    expect(lb.AdvancedConfiguration.ProductionListenerRule['Fn::ImportValue']['Fn::Sub'][0]).toBe('${EdgeStack}-${Svc}RuleArn');
    expect(service.DeploymentConfiguration.DeploymentCircuitBreaker).toBeUndefined();
  });

  test('ECS native shapes stay under the 33 hours CloudFormation allows a canary or linear deployment', () => {
    const max = (name: string) => Number(t.Parameters![name].MaxValue);
    expect(max('BakeMinutes') + max('CanaryBakeMinutes')).toBeLessThan(33 * 60);
    const steps = Math.ceil(100 / Number(t.Parameters!.LinearStepPercent.MinValue));
    expect(max('BakeMinutes') + steps * max('LinearStepBakeMinutes')).toBeLessThan(33 * 60);
  });

  test('AlbRamp and MeshRamp: a rolling service per track, on its own target group, no hook', () => {
    for (const shape of ['AlbRamp', 'MeshRamp']) {
      const service = props(instantiate(t, { ...base, DeploymentShape: shape, Track: 'canary', MeshMode: shape === 'MeshRamp' ? 'AppMesh' : 'ServiceConnect' }).Resources.Service);
      expect(service.DeploymentConfiguration.Strategy).toBe('ROLLING');
      expect(service.DeploymentConfiguration.LifecycleHooks).toBeUndefined();
      expect(service.LoadBalancers[0].AdvancedConfiguration).toBeUndefined();
      expect(service.ServiceName).toEqual({ 'Fn::Sub': '${ServiceName}-${Track}' });
      expect(service.DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    }
  });

  test('rollback alarms only when named', () => {
    expect(props(instantiate(t, base).Resources.Service).DeploymentConfiguration.Alarms).toBeUndefined();
    const alarms = props(instantiate(t, { ...base, RollbackAlarmNames: 'p95,errors' }).Resources.Service).DeploymentConfiguration.Alarms;
    expect(alarms).toEqual({ AlarmNames: ['p95', 'errors'], Enable: true, Rollback: true });
  });

  test('autoscaling on CPU, memory, ALB RequestCountPerTarget and SQS backlog per task', () => {
    const withQueue = instantiate(t, { ...base, QueueArn: 'arn:aws:sqs:eu-central-1:111111111111:q' });
    const policies = ofType(withQueue, 'AWS::ApplicationAutoScaling::ScalingPolicy').map((p) => p.TargetTrackingScalingPolicyConfiguration);
    expect(policies.map((p) => p.PredefinedMetricSpecification?.PredefinedMetricType ?? 'custom')).toEqual([
      'ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization', 'ALBRequestCountPerTarget', 'custom',
    ]);
    const backlog = policies[3].CustomizedMetricSpecification.Metrics;
    expect(backlog.map((m: any) => m.MetricStat?.Metric.MetricName ?? m.Expression)).toEqual([
      'ApproximateNumberOfMessagesVisible', 'RunningTaskCount', 'IF(tasks > 0, backlog / tasks, backlog)',
    ]);
    expect(instantiate(t, base).Resources.BacklogScaling).toBeUndefined();
  });

  test('parameter files: every service runs in every env/region, images pinned by digest, vc-start scales on its queue', () => {
    for (const { env, region } of envRegions) {
      const files = parameterFiles(env, region, 'service').map((f) => loadParameterFile(f));
      expect(files.map((p) => p.ServiceName).sort()).toEqual([...SERVICES]);
      for (const p of files) expect(String(p.ImageUri)).toMatch(/@sha256:[0-9a-f]{64}$/);
      expect(files.find((p) => p.ServiceName === 'vc-start')!.QueueArn).toMatch(/^arn:aws:sqs:/);
    }
  });
});

describe('the generic IAM walk sees conditional statements', () => {
  test('statements inside Fn::If are checked like any other', () => {
    const sids = policyStatements(loadTemplate('service')).filter((p) => p.resource === 'TaskRole').map((p) => p.statement.Sid);
    expect(sids).toEqual(expect.arrayContaining(['SendTraces', 'RefreshSecret', 'ConnectToDatabase', 'EnvoyConfiguration', 'ConsumeQueue']));
  });
});
