// Types for the parts of scripts/build.mjs that tests and lint use.
export function discoverActions(repo?: string): string[];
export function rootMetadata(actions: string[], repo?: string): Record<string, unknown>;
/** <name>/action.yml: actions/<name>/action.yml with runs.pre/main/post relative to the top-level folder <name>/. */
export function shortFormYaml(name: string, source: string): string;
/** Every generated metadata file, path relative to the repository → content. */
export function generatedMetadata(repo?: string, actions?: string[]): Map<string, string>;
/** Generated files that differ from what is in `repo`, plus stale short forms. */
export function metadataDiffs(repo?: string, generated?: Map<string, string>): string[];
export function writeMetadata(repo?: string, generated?: Map<string, string>): void;
/** The runs file of an action, relative to the repository: dist/<name>.js. */
export function actionEntry(name: string): string;
/** How actions/<name>/action.yml's runs.pre/main/post differ from its entry, ../../dist/<name>.js (empty when they do not). */
export function runsProblems(name: string, meta: { runs?: Record<string, unknown> }): string[];
/** dist/<name>.js: two generated lines that load the one bundle, dist/index.js. */
export function actionEntrySource(name: string): string;
