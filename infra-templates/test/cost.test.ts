/**
 * templates/cost.yaml, from the template and from the template as each parameter file deploys it:
 * Budgets per region, the Spot share, one cost anomaly monitor per environment.
 */
import { describe, expect, test } from 'vitest';
import { ENVIRONMENTS, REGIONS, loadTemplate, stackRegions } from '../lib/files.js';
import { resourcesOfType } from '../lib/policies.js';
import { type Json, props, ref, resource, parameterSets, deployed } from './helpers.js';

describe('cost: Budgets and the Spot share', () => {
  const t = loadTemplate('cost');

  test('each budget alerts on actual and on forecast spend, to the alerts topic', () => {
    const budgets = resourcesOfType(t, 'AWS::Budgets::Budget');
    expect(budgets.map(([id]) => id).sort()).toEqual(['EnvironmentBudget', 'FargateBudget']);
    for (const [id, b] of budgets) {
      expect(b.Properties!.Budget).toMatchObject({ BudgetType: 'COST', TimeUnit: 'MONTHLY' });
      const notes = b.Properties!.NotificationsWithSubscribers as { Notification: Record<string, Json>; Subscribers: Record<string, Json>[] }[];
      expect(notes.map((n) => n.Notification.NotificationType).sort(), id).toEqual(['ACTUAL', 'FORECASTED']);
      for (const n of notes) {
        expect(n.Notification.ThresholdType).toBe('PERCENTAGE');
        expect(n.Subscribers).toContainEqual({ SubscriptionType: 'SNS', Address: { Ref: 'AlertsTopicArn' } });
      }
    }
  });

  test('every Spot share maps to weights that sum to 100, and the published strategy is valid ECS JSON', () => {
    const share = t.Parameters!.SpotSharePercent;
    const mapping = (t.Mappings as Record<string, Record<string, { OnDemandWeight: number; SpotWeight: number }>>).SpotShare;
    expect(Object.keys(mapping).sort()).toEqual([...share.AllowedValues!].map(String).sort());
    const [text] = (resource(t, 'CapacityProviderStrategyParameter').Properties!.Value as { 'Fn::Sub': [string, Json] })['Fn::Sub'];
    for (const [pct, w] of Object.entries(mapping)) {
      expect(w.SpotWeight).toBe(Number(pct));
      expect(w.OnDemandWeight + w.SpotWeight).toBe(100);
      const strategy = JSON.parse(text.replace('${OnDemand}', String(w.OnDemandWeight)).replace('${Spot}', String(w.SpotWeight)));
      expect(strategy).toEqual([
        { capacityProvider: 'FARGATE', base: 1, weight: 100 - Number(pct) },
        { capacityProvider: 'FARGATE_SPOT', base: 0, weight: Number(pct) },
      ]);
    }
    for (const { values } of parameterSets('cost')) expect(share.AllowedValues).toContain(String(values.SpotSharePercent));
  });
});

describe('multi-region cost: budgets per region, one anomaly monitor per environment', () => {
  const t = loadTemplate('cost');

  test('every budget is named after its region and filtered to it and to the environment\'s tag', () => {
    expect(stackRegions(t)).toEqual([...REGIONS]);
    const budgets = resourcesOfType(t, 'AWS::Budgets::Budget');
    expect(budgets.length).toBeGreaterThan(0);
    for (const [id, b] of budgets) {
      const budget = props(b).Budget;
      expect(budget.BudgetName['Fn::Sub'], id).toMatch(/^mesh-\$\{Environment\}-\$\{AWS::Region\}-/);
      expect(budget.CostFilters.Region, id).toEqual([ref('AWS::Region')]);
      expect(budget.CostFilters.TagKeyValue, id).toEqual([{ 'Fn::Sub': 'user:Environment$${Environment}' }]);
    }
  });

  test('the anomaly monitor (account-wide, no region filter exists) is made once per environment, in the primary region', () => {
    expect(props(t.Resources.AnomalyMonitor)).toMatchObject({ MonitorType: 'CUSTOM', MonitorName: { 'Fn::Sub': 'mesh-${Environment}' } });
    expect(JSON.parse(props(t.Resources.AnomalyMonitor).MonitorSpecification['Fn::Sub'].replace('${Environment}', 'staging'))).toEqual({ Tags: { Key: 'Environment', Values: ['staging'], MatchOptions: ['EQUALS'] } });
    for (const env of ENVIRONMENTS) {
      const withMonitor = REGIONS.filter((region) => deployed('cost', env, region).Resources.AnomalyMonitor);
      expect(withMonitor, env).toEqual([REGIONS[0]]);
      expect(props(deployed('cost', env, REGIONS[0]).Resources.AnomalySubscription).MonitorArnList).toEqual([ref('AnomalyMonitor')]);
    }
  });
});
