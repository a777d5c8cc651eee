/** The step summary: what changed (replacements flagged), how it ended, the first failure, the outputs. */
import { changeTableMarkdown } from '../cloudformation/report.js';
import type { DeployPlan } from './plan.js';
import type { DeployResult } from './deploy.js';

/** This action's own outputs; a stack output of the same name is only in the `outputs` JSON. */
export const RESERVED_OUTPUTS = ['outputs', 'stack-id', 'change-set-id', 'status', 'outcome'];

const HEADLINE: Record<DeployResult['outcome'], string> = {
  created: ':white_check_mark: created',
  updated: ':white_check_mark: updated',
  'no-changes': ':white_check_mark: no changes',
  'change-set-created': ':mag: change set ready for review',
  failed: ':x: failed',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function summaryMarkdown(plan: DeployPlan, result: DeployResult, apiCalls: string): string {
  const lines = [`### deploy-stack: \`${plan.stackName}\` ${HEADLINE[result.outcome]}`, '', result.message, ''];
  if (result.recreated) lines.push(`The stack had failed to create and was deleted and created again (recreate-failed-stack).`, '');
  if (result.failure) {
    const f = result.failure;
    lines.push(`**First failure:** \`${f.logicalId}\` (${f.resourceType}) ${f.status}: ${cell(f.reason)}`, '');
  }
  if (result.outcome !== 'no-changes') {
    lines.push(`#### Changes${result.changeSetName ? ` (change set \`${result.changeSetName}\`)` : ''}`, '', changeTableMarkdown(result.changes));
  }
  const outputs = Object.entries(result.outputs);
  if (outputs.length) {
    lines.push('#### Stack outputs', '', '| Output | Value |', '|---|---|', ...outputs.map(([k, v]) => `| \`${k}\` | ${cell(v)} |`), '');
  }
  lines.push(`Status \`${result.status}\` · AWS API calls: ${apiCalls}`, '');
  return lines.join('\n');
}
