// Types of scripts/workflow-rules.mjs (plain JavaScript so `npm run lint` needs no TypeScript loader).
/** Gives a called reusable workflow's text, or null when it is not in this repository. */
export type ResolveWorkflow = (uses: string) => string | null;
export const FIRST_PARTY: RegExp;
export function pinningProblems(text: string): string[];
export function permissionProblems(text: string, resolve?: ResolveWorkflow): string[];
export function injectionProblems(text: string): string[];
export function workflowProblems(text: string, resolve?: ResolveWorkflow): string[];
