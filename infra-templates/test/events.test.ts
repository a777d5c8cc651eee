/**
 * templates/events.yaml, from the template and from the template as each parameter file deploys it:
 * dead-letter queues and redrive, a replayable bus.
 */
import { describe, expect, test } from 'vitest';
import { loadTemplate } from '../lib/files.js';
import { policyStatements, resourcesOfType } from '../lib/policies.js';
import { type Json, list, resource, parameterSets, effective, byDefault } from './helpers.js';

describe('events: dead-letter queues, redrive, a replayable bus', () => {
  const t = loadTemplate('events');
  const queues = resourcesOfType(t, 'AWS::SQS::Queue');
  const sources = queues.filter(([, q]) => q.Properties?.RedrivePolicy);
  const dlqs = queues.filter(([, q]) => !q.Properties?.RedrivePolicy);

  test('every work queue redrives to its own DLQ after MaxReceiveCount (5) receives', () => {
    expect(sources.map(([id]) => id).sort()).toEqual(['PersonaJobsQueue', 'VcStartIssuanceQueue']);
    const targets = new Set<string>();
    for (const [id, q] of sources) {
      const rp = q.Properties!.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] }; maxReceiveCount: Json };
      const [dlq, attr] = rp.deadLetterTargetArn['Fn::GetAtt'];
      expect(attr).toBe('Arn');
      expect(dlq).toBe(id.replace(/Queue$/, 'DeadLetterQueue'));
      targets.add(dlq);
      expect(byDefault(t, rp.maxReceiveCount)).toBe(5);
      // A DLQ keeps messages longer than the queue it serves, so nothing expires before anyone looks.
      expect(resource(t, dlq).Properties!.MessageRetentionPeriod).toBe(1_209_600);
      expect(q.Properties!.MessageRetentionPeriod).toBeLessThan(1_209_600);
      const allow = resource(t, dlq).Properties!.RedriveAllowPolicy as { redrivePermission: string; sourceQueueArns: { 'Fn::Sub': string }[] };
      expect(allow.redrivePermission).toBe('byQueue');
      expect(allow.sourceQueueArns.map((a) => a['Fn::Sub'])).toEqual([`arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${(q.Properties!.QueueName as { 'Fn::Sub': string })['Fn::Sub']}`]);
    }
    expect(targets.size).toBe(sources.length);
    for (const { values } of parameterSets('events')) expect(Number(effective('events', 'MaxReceiveCount', values))).toBe(5);
  });

  test('every queue is encrypted with the platform key, TLS-only, and every DLQ alarms on its first message', () => {
    const alarms = resourcesOfType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
    for (const [id, q] of queues) {
      expect(q.Properties!.KmsMasterKeyId, id).toEqual({ Ref: 'PlatformKeyArn' });
    }
    for (const [id] of dlqs) {
      const alarm = alarms.find((a) => JSON.stringify(a.Dimensions).includes(`"${id}"`));
      expect(alarm, id).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
    const denied = policyStatements(t)
      .filter((p) => p.statement.Effect === 'Deny' && JSON.stringify(p.statement.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}')
      .flatMap((p) => list(p.statement.Resource as Json).map((r) => JSON.stringify(r)));
    for (const [id] of queues) expect(denied, id).toContain(JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }));
  });

  test('every rule target retries for an hour and dead-letters what it cannot deliver; the bus is archived', () => {
    for (const [id, rule] of resourcesOfType(t, 'AWS::Events::Rule')) {
      for (const target of rule.Properties!.Targets as Record<string, Json>[]) {
        expect(target.DeadLetterConfig, id).toEqual({ Arn: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] } });
        expect(target.RetryPolicy, id).toEqual({ MaximumRetryAttempts: 24, MaximumEventAgeInSeconds: 3600 });
      }
    }
    expect(resource(t, 'EventArchive').Properties).toMatchObject({ SourceArn: { 'Fn::GetAtt': ['EventBus', 'Arn'] }, RetentionDays: { Ref: 'ArchiveRetentionDays' } });
    expect(resource(t, 'SchemaDiscoverer').Properties!.SourceArn).toEqual({ 'Fn::GetAtt': ['EventBus', 'Arn'] });
  });
});
