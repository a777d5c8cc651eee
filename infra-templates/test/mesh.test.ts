/**
 * templates/mesh.yaml, from the template and from the template as each parameter file deploys it:
 * Service Connect with TLS (default) or App Mesh, and workload identity: mutual TLS and SPIFFE IDs
 * on by default, never off in prod.
 */
import { describe, expect, test } from 'vitest';
import { ENVIRONMENTS, REGIONS, loadParameterFile, loadTemplate, parameterFilePath } from '../lib/files.js';
import { resourcesOfType } from '../lib/policies.js';
import { instantiate } from '../lib/evaluate.js';
import { props, ref, ofType, deployments, SERVICE_NAMES } from './helpers.js';

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
    expect(ofType(appMesh, 'AWS::AppMesh::VirtualService').map((s) => s.VirtualServiceName['Fn::Sub'])).toEqual(SERVICE_NAMES.map((s) => `${s}.\${NamespaceName}`));
    expect(ofType(appMesh, 'AWS::AppMesh::VirtualRouter').map((r) => r.VirtualRouterName)).toEqual(SERVICE_NAMES.map((s) => `${s}-router`));
    expect(ofType(appMesh, 'AWS::AppMesh::VirtualNode').map((n) => n.VirtualNodeName)).toEqual(SERVICE_NAMES.flatMap((s) => [`${s}-stable`, `${s}-canary`]));
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

describe('workload identity and mutual TLS, on by default', () => {
  const mesh = loadTemplate('mesh');
  const SPIFFE = SERVICE_NAMES.map((s) => ({ 'Fn::Sub': `spiffe://\${SpiffeTrustDomain}/${s}` }));

  /** The App Mesh variant of a deployment (the variant that has a client-certificate mode). */
  const appMeshOf = (values: Record<string, unknown>) => instantiate(mesh, { ...values, MeshMode: 'AppMesh' });

  test('mutual TLS and its SPIFFE check are the template defaults', () => {
    expect(mesh.Parameters!.MutualTls.Default).toBe('true');
    expect(mesh.Parameters!.ClientCertificateDir.Default).not.toBe('');
    for (const [id, node] of resourcesOfType(instantiate(mesh, { MeshMode: 'AppMesh' }), 'AWS::AppMesh::VirtualNode')) {
      const validation = props(node).Spec.Listeners[0].TLS.Validation;
      expect(validation?.SubjectAlternativeNames?.Match?.Exact, id).toEqual(SPIFFE);
      expect(props(node).Spec.BackendDefaults.ClientPolicy.TLS.Certificate.File, id).toBeDefined();
    }
  });

  test.each(REGIONS)('prod in %s: every App Mesh listener requires a client certificate with a mesh SPIFFE ID; TLS is enforced to every backend', (region) => {
    const values = loadParameterFile(parameterFilePath('prod', region, 'mesh'));
    expect(values.MutualTls ?? mesh.Parameters!.MutualTls.Default, 'prod mesh parameters must keep MutualTls on').toBe('true');
    const nodes = resourcesOfType(appMeshOf(values), 'AWS::AppMesh::VirtualNode');
    expect(nodes).toHaveLength(6);
    for (const [id, node] of nodes) {
      const tls = props(node).Spec.Listeners[0].TLS;
      expect(tls.Mode, id).toBe('STRICT');
      expect(tls.Validation?.Trust?.File?.CertificateChain, id).toBeDefined();
      expect(tls.Validation.SubjectAlternativeNames.Match.Exact, id).toEqual(SPIFFE);
      const client = props(node).Spec.BackendDefaults.ClientPolicy.TLS;
      expect(client.Enforce, id).toBe(true);
      expect(client.Certificate?.File?.CertificateChain, id).toBeDefined();
    }
  });

  test('switching mutual TLS off is seen: no client certificate is then required (what the prod check guards against)', () => {
    for (const [, node] of resourcesOfType(appMeshOf({ MutualTls: 'false' }), 'AWS::AppMesh::VirtualNode')) {
      expect(props(node).Spec.Listeners[0].TLS.Validation).toBeUndefined();
    }
  });

  test('Service Connect: TLS from the Private CA on every service, unconditionally (it has no off switch)', () => {
    for (const env of ENVIRONMENTS) {
      for (const region of REGIONS) {
        const values = loadParameterFile(parameterFilePath(env, region, 'mesh'));
        if ((values.MeshMode ?? mesh.Parameters!.MeshMode.Default) !== 'ServiceConnect') continue;
        for (const file of SERVICE_NAMES) {
          const svc = instantiate(loadTemplate('service'), loadParameterFile(parameterFilePath(env, region, `service-${file}`)));
          const [[, ecs]] = resourcesOfType(svc, 'AWS::ECS::Service');
          const sc = props(ecs).ServiceConnectConfiguration;
          expect(sc.Enabled, `${env}/${region}/${file}`).toBe(true);
          for (const s of sc.Services) expect(s.Tls.IssuerCertificateAuthority.AwsPcaAuthorityArn, `${env}/${region}/${file}`).toEqual({ 'Fn::ImportValue': { 'Fn::Sub': '${MeshStack}-PrivateCaArn' } });
        }
      }
    }
  });

  test('App Mesh retries fit inside the request timeout in every deployment (Envoy spaces them with its own backoff)', () => {
    for (const { env, region, values } of deployments('mesh')) {
      for (const [id, route] of resourcesOfType(appMeshOf(values), 'AWS::AppMesh::Route')) {
        const spec = props(route).Spec.HttpRoute ?? props(route).Spec.GrpcRoute;
        const { MaxRetries, PerRetryTimeout } = spec.RetryPolicy;
        expect(Number(MaxRetries), `${env}/${region}/${id}`).toBeGreaterThan(0);
        expect(PerRetryTimeout.Unit).toBe('ms');
        // The first try and every retry, each at most PerRetryTimeout, within the per-request timeout.
        expect((Number(MaxRetries) + 1) * Number(PerRetryTimeout.Value), `${env}/${region}/${id}`).toBeLessThanOrEqual(Number(spec.Timeout.PerRequest.Value) * 1000);
        // Only failures before a response (never a 5xx a handler may have acted on).
        expect(spec.RetryPolicy.HttpRetryEvents ?? spec.RetryPolicy.GrpcRetryEvents, id).not.toContain('server-error');
      }
    }
  });
});
