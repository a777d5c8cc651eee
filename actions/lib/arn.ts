/**
 * Elastic Load Balancing ARNs → the CloudWatch dimension values of `AWS/ApplicationELB`: the one
 * mapping traffic (canary-ramp's ALB router) and metrics (slo-gate's `alb` preset) both use, so a
 * ramp judges exactly the load balancer and target groups it shifts.
 */
import { InputError } from '../../common/errors.js';

/** Every partition (aws, aws-cn, aws-us-gov, aws-iso…), its region and account. */
const PREFIX = String.raw`arn:aws(?:-[a-z]+)*:elasticloadbalancing:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:`;
/** Load balancer and target group names: 1-32 letters, digits and hyphens; ids are hex. */
const LB = String.raw`(app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+)`;
const TG = String.raw`(targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+)`;

const LISTENER = String.raw`${PREFIX}listener\/${LB}\/[0-9a-f]+`;
const RULE = String.raw`${PREFIX}listener-rule\/${LB}\/[0-9a-f]+\/[0-9a-f]+`;

/**
 * The full ARNs the ALB router's inputs take: the same forms the dimensions below accept, so an ARN
 * the inputs let through cannot fail when the gate maps it to its dimensions mid-ramp.
 */
export const ALB_ARN = {
  listener: new RegExp(`^${LISTENER}$`),
  rule: new RegExp(`^${RULE}$`),
  targetGroup: new RegExp(`^${PREFIX}${TG}$`),
} as const;

/** The load balancer itself, its ARN, or one of its listeners' or listener rules' ARNs. */
const LB_FORMS = new RegExp(`^(?:${LB}|${PREFIX}loadbalancer\\/${LB}|${LISTENER}|${RULE})$`);
const TG_FORMS = new RegExp(`^(?:${PREFIX})?${TG}$`);

/**
 * The `LoadBalancer` dimension (`app/<name>/<id>`) from itself or from the ARN of an application
 * load balancer, one of its listeners or one of their rules; an InputError naming `input` otherwise.
 */
export function loadBalancerDimension(value: string, input: string): string {
  const m = LB_FORMS.exec(value.trim());
  const found = m?.slice(1).find(Boolean);
  if (!found) {
    throw new InputError(`Input "${input}": "${value}" is not an application load balancer; expected app/<name>/<id>, or the ARN of the load balancer, a listener or a listener rule (arn:<partition>:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<listener-id>).`);
  }
  return found;
}

/** The `TargetGroup` dimension (`targetgroup/<name>/<id>`) from itself or its ARN; an InputError naming `input` otherwise. */
export function targetGroupDimension(value: string, input: string): string {
  const m = TG_FORMS.exec(value.trim());
  if (!m) throw new InputError(`Input "${input}": "${value}" is not a target group; expected targetgroup/<name>/<id> or its ARN (arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>).`);
  return m[1];
}
