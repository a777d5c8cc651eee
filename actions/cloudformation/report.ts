/** How changes, events and failures read in the log and in the step summary. Pure formatting. */
import type { Change, StackEvent } from '@aws-sdk/client-cloudformation';
import type { FailureCause } from './events.js';

export interface ChangeRow {
  action: string;
  logicalId: string;
  resourceType: string;
  /** True | Conditional | False, or '' when not applicable (Add, Remove). */
  replacement: string;
  /** What drives the change: properties, tags, ... */
  scope: string;
}

export function changeRows(changes: readonly Change[]): ChangeRow[] {
  return changes.map((c) => {
    const r = c.ResourceChange ?? {};
    return {
      action: r.Action ?? c.Type ?? '?',
      logicalId: r.LogicalResourceId ?? '?',
      resourceType: r.ResourceType ?? '?',
      replacement: r.Action === 'Modify' ? (r.Replacement ?? '') : '',
      scope: (r.Scope ?? []).join(', '),
    };
  });
}

export function isReplacement(row: ChangeRow): boolean {
  return row.replacement === 'True' || row.replacement === 'Conditional';
}

const RED = '\u001b[31m';
const BOLD_RED = '\u001b[1;31m';
const YELLOW = '\u001b[33m';
const GREEN = '\u001b[32m';
const RESET = '\u001b[0m';

function pad(cells: string[][]): string[] {
  const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}

/** A fixed-width table for the log; replacements in bold red so they stand out in a long list. */
export function changeTableText(rows: readonly ChangeRow[], color = true): string {
  if (rows.length === 0) return '(no changes)';
  const cells = [['Action', 'Logical ID', 'Type', 'Replacement', 'Scope'], ...rows.map((r) => [r.action, r.logicalId, r.resourceType, r.replacement || '-', r.scope || '-'])];
  const lines = pad(cells);
  return lines
    .map((line, i) => {
      if (i === 0) return line;
      const row = rows[i - 1];
      // The marker is text, so it survives logs without colour; colour only adds emphasis.
      if (isReplacement(row)) return color ? `${BOLD_RED}${line}  <- REPLACEMENT${RESET}` : `${line}  <- REPLACEMENT`;
      if (row.action === 'Remove' && color) return `${YELLOW}${line}${RESET}`;
      return line;
    })
    .join('\n');
}

function md(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function changeTableMarkdown(rows: readonly ChangeRow[]): string {
  if (rows.length === 0) return '_No changes._\n';
  const head = '| Action | Logical ID | Type | Replacement | Scope |\n|---|---|---|---|---|\n';
  return (
    head +
    rows
      .map((r) => {
        const replacement = isReplacement(r) ? `**:warning: ${r.replacement}**` : r.replacement || '-';
        return `| ${md(r.action)} | \`${md(r.logicalId)}\` | ${md(r.resourceType)} | ${replacement} | ${md(r.scope) || '-'} |`;
      })
      .join('\n') +
    '\n'
  );
}

/** One log line per event: time, status (coloured by outcome), type, logical id, reason. */
export function eventLine(e: StackEvent, color = true): string {
  const time = e.Timestamp ? new Date(e.Timestamp).toISOString().slice(11, 19) : '--:--:--';
  const status = e.ResourceStatus ?? '?';
  const tint = !color ? '' : status.endsWith('_FAILED') ? RED : status.includes('ROLLBACK') ? YELLOW : status.endsWith('_COMPLETE') ? GREEN : '';
  const reason = e.ResourceStatusReason ? `  ${e.ResourceStatusReason}` : '';
  return `${time}  ${tint}${status.padEnd(44)}${tint ? RESET : ''}  ${(e.ResourceType ?? '').padEnd(40)}  ${e.LogicalResourceId ?? ''}${reason}`;
}

export function failureText(stackName: string, cause: FailureCause): string {
  return `Stack ${stackName}: ${cause.logicalId} (${cause.resourceType}) ${cause.status}: ${cause.reason}`;
}
