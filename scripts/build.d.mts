// Types for the parts of scripts/build.mjs that tests and lint use.
export function discoverActions(repo?: string): string[];
export function rootMetadata(actions: string[], repo?: string): Record<string, unknown>;
/** <name>/action.yml: actions/<name>/action.yml with runs.pre/main/post pointing into actions/<name>/. */
export function shortFormYaml(name: string, source: string): string;
/** Every generated metadata file, path relative to the repository → content. */
export function generatedMetadata(repo?: string, actions?: string[]): Map<string, string>;
/** Generated files that differ from what is in `repo`, plus stale short forms. */
export function metadataDiffs(repo?: string, generated?: Map<string, string>): string[];
export function writeMetadata(repo?: string, generated?: Map<string, string>): void;
