/**
 * Every template in templates/: cfn-lint (zero errors), CfnInclude + cdk-nag AwsSolutionsChecks with
 * CDK's default CloudFormation rules (zero unacknowledged findings), and the generic assertions:
 * no admin IAM statement, log retention everywhere, parameter files per env/region that name only
 * declared parameters and give every parameter without a default.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ENVIRONMENTS, infraRoot, loadParameterFile, loadTemplate, parameterFilePath, parameterFiles, stackNames, stackRegions, templatePath } from '../lib/files.js';
import { cfnLintAvailable, runCfnLint, type CfnLintMatch } from '../lib/lint.js';
import { synthWithNag, type NagResult } from '../lib/nag.js';
import { allResourcesOfType, isAdminStatement, policyStatements } from '../lib/policies.js';
import { instantiate, parameterValues } from '../lib/evaluate.js';
import { exportSuffixes, stackImports } from '../lib/imports.js';
import { requires, tool } from '../../test/support/requires.js';

const stacks = stackNames();
const cfnLint = requires('cfn-lint over every template', [tool('cfn-lint', cfnLintAvailable())]);

test('there are templates to validate', () => {
  expect(stacks.length).toBeGreaterThan(0);
});

describe('cfn-lint and cdk-nag over every template', () => {
  let lint: Promise<CfnLintMatch[]> | undefined;
  let nag: NagResult;

  beforeAll(() => {
    // cfn-lint runs in its own process while this one synthesizes the CDK app.
    if (cfnLint.available) {
      lint = runCfnLint(stacks.map(templatePath));
      lint.catch(() => undefined); // awaited (and reported) in its test
    }
    nag = synthWithNag(stacks);
  }, 240_000);

  cfnLint.it('cfn-lint: zero errors', async () => {
    const matches = await lint!;
    const count = (level: CfnLintMatch['Level']) => matches.filter((m) => m.Level === level).length;
    console.log(`cfn-lint over ${stacks.length} templates: ${count('Error')} errors, ${count('Warning')} warnings, ${count('Informational')} informational`);
    for (const m of matches.filter((x) => x.Level !== 'Error')) console.log(`  ${m.Level} ${m.Rule.Id} ${relative(infraRoot, m.Filename)}:${m.Location.Start.LineNumber} ${m.Message}`);
    const errors = matches.filter((m) => m.Level === 'Error').map((m) => `${m.Rule.Id} ${relative(infraRoot, m.Filename)}:${m.Location.Start.LineNumber} ${m.Message}`);
    expect(errors).toEqual([]);
  });

  test('cdk-nag AwsSolutionsChecks and CDK default rules: zero unacknowledged findings', () => {
    const acknowledged = Object.values(nag.acknowledgedCount).reduce((a, b) => a + b, 0);
    console.log(`cdk-nag over ${stacks.length} stacks (synth ${nag.synthMs} ms): ${nag.findings.length} unacknowledged findings, ${acknowledged} acknowledgements in use, ${nag.defaultRuleWarnings.length} default-rule warnings`);
    for (const s of stacks) console.log(`  ${s}: ${nag.findings.filter((f) => f.stack === s).length} findings, ${nag.acknowledgedCount[s] ?? 0} acknowledged`);
    for (const w of nag.defaultRuleWarnings) console.log(`  warning ${w.rule} ${w.stack}/${w.resource}: ${w.description}`);
    expect(nag.findings.map((f) => `${f.stack}/${f.resource} ${f.rule} (${f.plugin}): ${f.description}`)).toEqual([]);
  });

  test('every acknowledgement has a reason, names real resources and is still needed', () => {
    expect(nag.acknowledgementErrors).toEqual([]);
    expect(nag.unusedAcknowledgements.map((u) => `nag/${u.stack}.yaml: ${u.id}${u.resources ? ` on ${u.resources.join(', ')}` : ''} matches no finding`)).toEqual([]);
  });
});

describe('generic assertions', () => {
  test('no IAM statement allows * actions on * resources', () => {
    const admin = stacks.flatMap((s) => policyStatements(loadTemplate(s)).filter((p) => isAdminStatement(p.statement)).map((p) => `${s}/${p.resource}`));
    expect(admin).toEqual([]);
  });

  test('every log group sets its retention', () => {
    const groups = allResourcesOfType(stacks, 'AWS::Logs::LogGroup');
    const missing = groups.filter((g) => g.resource.Properties?.RetentionInDays === undefined).map((g) => `${g.stack}/${g.id}`);
    expect(missing).toEqual([]);
  });

  test('every template says what it is for', () => {
    const bare = stacks.filter((s) => typeof loadTemplate(s).Description !== 'string' || (loadTemplate(s).Description as string).length < 20);
    expect(bare).toEqual([]);
  });

  const cases = stacks.flatMap((stack) =>
    ENVIRONMENTS.flatMap((env) => stackRegions(loadTemplate(stack)).map((region) => ({ stack, env, region }))),
  );
  test.each(cases)('parameter files of $stack for $env in $region exist and fit the template', ({ stack, env, region }) => {
    const files = parameterFiles(env, region, stack);
    expect(files.length, `parameters/${env}/${region}/${stack}.yaml (or ${stack}-<instance>.yaml) is missing`).toBeGreaterThan(0);
    const declared = loadTemplate(stack).Parameters ?? {};
    const required = Object.entries(declared).filter(([, p]) => p.Default === undefined).map(([k]) => k);
    for (const file of files) {
      const name = relative(infraRoot, file);
      const given = loadParameterFile(file);
      expect(Object.keys(given).filter((k) => !(k in declared)), `${name}: parameters the template does not declare`).toEqual([]);
      expect(required.filter((k) => !(k in given)), `${name}: parameters without a default that the file does not give`).toEqual([]);
      for (const [k, v] of Object.entries(given)) {
        const allowed = declared[k]?.AllowedValues;
        if (allowed) expect(allowed.map(String), `${name}: ${k}: ${String(v)}`).toContain(String(v));
        const pattern = declared[k]?.AllowedPattern as string | undefined;
        if (pattern && declared[k].Type === 'String') expect(String(v), `${name}: ${k} must match ${pattern}`).toMatch(new RegExp(`^(?:${pattern})$`));
      }
    }
  });

  test.each(cases)('every import of $stack for $env in $region names an export its provider makes with its own parameter file there', ({ stack, env, region }) => {
    const problems: string[] = [];
    for (const file of parameterFiles(env, region, stack)) {
      const given = loadParameterFile(file);
      const params = parameterValues(loadTemplate(stack), given);
      const { imports, errors } = stackImports(instantiate(loadTemplate(stack), given), params);
      problems.push(...errors.map((e) => `${relative(infraRoot, file)}: ${e}`));
      for (const imp of imports) {
        if (!existsSync(templatePath(imp.provider))) {
          problems.push(`${relative(infraRoot, file)}: ${imp.stackParameter} names no template (templates/${imp.provider}.yaml)`);
          continue;
        }
        const providerFile = parameterFilePath(env, region, imp.provider);
        if (!existsSync(providerFile)) {
          problems.push(`${relative(infraRoot, file)}: imports ${imp.exportSuffix} from ${imp.provider}, which has no parameter file for ${env}/${region}`);
          continue;
        }
        const provided = exportSuffixes(instantiate(loadTemplate(imp.provider), loadParameterFile(providerFile)));
        if (!provided.includes(imp.exportSuffix)) {
          problems.push(`${relative(infraRoot, file)}: imports ${imp.exportSuffix} from ${imp.provider}, which does not export it as deployed by ${relative(infraRoot, providerFile)}`);
        }
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });
});
