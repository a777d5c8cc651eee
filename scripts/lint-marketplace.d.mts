// Types for scripts/lint-marketplace.mjs.
export const BRANDING_COLORS: string[];
export const DESCRIPTION_LIMIT: number;
export function marketplaceProblems(meta: unknown): string[];
export function shortForms(root: string): [string, Record<string, unknown>][];
export function staleMetadata(root: string): string[];
