/**
 * Merges the per-platform SARIF files Trivy wrote into one run, so `github/codeql-action/upload-sarif`
 * gets one file with one run per tool (it rejects several runs of one tool in one category).
 */
type Json = Record<string, any>;

export function mergeSarif(docs: readonly Json[]): Json {
  if (docs.length === 0) throw new Error('mergeSarif: no SARIF documents');
  const merged: Json = structuredClone(docs[0]);
  const run = merged.runs?.[0];
  if (!run) throw new Error('mergeSarif: the first SARIF document has no run');
  run.results ??= [];
  run.tool.driver.rules ??= [];
  const ruleIds = new Set<string>(run.tool.driver.rules.map((r: Json) => r.id));
  const resultKey = (r: Json) => JSON.stringify([r.ruleId, r.message?.text, r.locations?.[0]?.physicalLocation?.artifactLocation?.uri]);
  const resultKeys = new Set<string>(run.results.map(resultKey));
  for (const doc of docs.slice(1)) {
    for (const other of doc.runs ?? []) {
      for (const rule of other.tool?.driver?.rules ?? []) {
        if (!ruleIds.has(rule.id)) {
          ruleIds.add(rule.id);
          run.tool.driver.rules.push(rule);
        }
      }
      for (const result of other.results ?? []) {
        const key = resultKey(result);
        if (resultKeys.has(key)) continue;
        resultKeys.add(key);
        // ruleIndex points into the first run's rules now.
        const index = run.tool.driver.rules.findIndex((r: Json) => r.id === result.ruleId);
        run.results.push({ ...result, ...(index >= 0 ? { ruleIndex: index } : {}) });
      }
    }
  }
  merged.runs = [run];
  return merged;
}
