/**
 * Route 53's documented answer to a query for a failover record, as a pure function of the records
 * and the health checks' inputs. Tests compute the answer with it from what an emulator holds
 * (records, health checks, alarm states) because the emulator answers no DNS query itself.
 *
 * Health (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is
 * healthy"; API HealthCheckConfig):
 * - CLOUDWATCH_METRIC: healthy while its alarm is OK, unhealthy in ALARM; with INSUFFICIENT_DATA,
 *   InsufficientDataHealthStatus decides: Healthy, Unhealthy, or LastKnownStatus (the status it
 *   had; healthy when it never had one).
 * - CALCULATED: healthy while at least HealthThreshold of ChildHealthChecks are healthy.
 * - Endpoint checks (HTTP, HTTPS, TCP, ...): what the checkers observe, given by the caller.
 * - Inverted flips the status; a Disabled check is healthy whatever it watches.
 *
 * Failover (API ResourceRecordSet.Failover): the primary is the answer while it is healthy; the
 * secondary while the primary is unhealthy and the secondary healthy; when the secondary is
 * unhealthy too, the primary is the answer again. A record without a health check counts as
 * healthy (alias records here never evaluate target health).
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type InsufficientDataHealthStatus = 'Healthy' | 'Unhealthy' | 'LastKnownStatus';

export interface HealthCheckConfig {
  Type: string;
  AlarmIdentifier?: { Name: string; Region: string };
  InsufficientDataHealthStatus?: InsufficientDataHealthStatus;
  ChildHealthChecks?: string[];
  HealthThreshold?: number;
  Inverted?: boolean;
  Disabled?: boolean;
}

export interface HealthInputs {
  /** Every health check by id, as GetHealthCheck returns its HealthCheckConfig. */
  checks: Record<string, HealthCheckConfig>;
  /** The state of an alarm, by region and name; undefined when the alarm does not exist. */
  alarmState(region: string, name: string): AlarmState | undefined;
  /** What Route 53's checkers observe of each endpoint check, by id. */
  endpoints: Record<string, boolean>;
  /** Each check's status at the previous evaluation (LastKnownStatus); none at the first. */
  previous?: Record<string, boolean>;
}

/** Every health check's status, children before the calculated checks that count them. */
export function evaluateHealth(inputs: HealthInputs): Record<string, boolean> {
  const status: Record<string, boolean> = {};
  const visiting = new Set<string>();
  const healthOf = (id: string): boolean => {
    if (id in status) return status[id];
    const check = inputs.checks[id];
    if (!check) throw new Error(`health check ${id} is not among the checks given`);
    if (visiting.has(id)) throw new Error(`health check ${id} counts itself among its children`);
    visiting.add(id);
    const observed = check.Disabled ? true : Boolean(check.Inverted) !== rawHealth(id, check, inputs, healthOf);
    visiting.delete(id);
    status[id] = observed;
    return observed;
  };
  for (const id of Object.keys(inputs.checks)) healthOf(id);
  return status;
}

function rawHealth(id: string, check: HealthCheckConfig, inputs: HealthInputs, healthOf: (id: string) => boolean): boolean {
  switch (check.Type) {
    case 'CALCULATED': {
      const children = check.ChildHealthChecks ?? [];
      const healthy = children.filter(healthOf).length;
      return healthy >= (check.HealthThreshold ?? children.length);
    }
    case 'CLOUDWATCH_METRIC': {
      const alarm = check.AlarmIdentifier;
      if (!alarm) throw new Error(`health check ${id} (CLOUDWATCH_METRIC) names no alarm`);
      const state = inputs.alarmState(alarm.Region, alarm.Name);
      if (state === undefined) throw new Error(`health check ${id} follows the alarm ${alarm.Name} in ${alarm.Region}, which does not exist`);
      if (state !== 'INSUFFICIENT_DATA') return state === 'OK';
      const when = check.InsufficientDataHealthStatus ?? 'LastKnownStatus';
      if (when === 'LastKnownStatus') return inputs.previous?.[id] ?? true;
      return when === 'Healthy';
    }
    default: {
      if (!(id in inputs.endpoints)) throw new Error(`health check ${id} (${check.Type}) watches an endpoint: say what the checkers observe`);
      return inputs.endpoints[id];
    }
  }
}

export interface RecordSet {
  Name: string;
  Type: string;
  SetIdentifier?: string;
  Failover?: 'PRIMARY' | 'SECONDARY';
  HealthCheckId?: string;
  AliasTarget?: { DNSName: string; HostedZoneId: string; EvaluateTargetHealth?: boolean };
  ResourceRecords?: { Value: string }[];
}

/** The record Route 53 answers a query for `name`/`type` with, among its failover records. */
export function failoverAnswer(records: RecordSet[], name: string, type: string, health: Record<string, boolean>): RecordSet {
  const fqdn = (n: string) => n.replace(/\.?$/, '.').toLowerCase();
  const matching = records.filter((r) => fqdn(r.Name) === fqdn(name) && r.Type === type);
  const primary = matching.filter((r) => r.Failover === 'PRIMARY');
  const secondary = matching.filter((r) => r.Failover === 'SECONDARY');
  if (primary.length !== 1 || secondary.length !== 1) {
    throw new Error(`${name} ${type}: expected one PRIMARY and one SECONDARY failover record, found ${primary.length} and ${secondary.length}`);
  }
  const healthy = (r: RecordSet) => {
    if (r.AliasTarget?.EvaluateTargetHealth) throw new Error(`${name} ${type} ${r.SetIdentifier}: alias target health is not modelled`);
    if (!r.HealthCheckId) return true;
    if (!(r.HealthCheckId in health)) throw new Error(`${name} ${type} ${r.SetIdentifier}: no status for its health check ${r.HealthCheckId}`);
    return health[r.HealthCheckId];
  };
  if (healthy(primary[0])) return primary[0];
  return healthy(secondary[0]) ? secondary[0] : primary[0];
}
