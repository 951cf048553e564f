import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, any>; DependsOn?: string[] | string }>;
}

/** Packages the service exactly as `sls deploy` would, offline and without credentials. */
async function packageService(stage: string): Promise<{ template: Template; directory: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'sls-package-'));
  await run('npx', ['serverless', 'package', '--stage', stage, '--region', 'eu-west-1', '--package', directory], {
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' },
    timeout: 120_000,
  });
  const template = JSON.parse(await readFile(join(directory, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  return { template, directory };
}

const packaged = packageService('prod');

function s3Triggers(template: Template) {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'Custom::S3')
    .map((resource) => {
      const config = resource.Properties!.BucketConfigs[0];
      const rules = config.Rules as Array<{ Prefix?: string; Suffix?: string }>;
      return {
        functionName: resource.Properties!.FunctionName as string,
        prefix: rules.find((rule) => rule.Prefix !== undefined)?.Prefix,
        suffix: rules.find((rule) => rule.Suffix !== undefined)?.Suffix,
        bucket: resource.Properties!.BucketName as string,
        dependsOn: ([] as string[]).concat(resource.DependsOn ?? []),
      };
    });
}

test('every stage is a Lambda on nodejs22.x with its own bundle', async (t) => {
  const { template, directory } = await packaged;
  const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
  const names = functions.map(([name]) => name).filter((name) => !name.startsWith('CustomDash'));
  for (const expected of ['PlanLambdaFunction', 'ExtractLambdaFunction', 'SilverLambdaFunction']) t.true(names.includes(expected), expected);
  for (const name of names) t.is(template.Resources[name]!.Properties!.Runtime, 'nodejs22.x', name);
  const zips = (await readdir(directory)).filter((file) => file.endsWith('.zip') && file !== 'custom-resources.zip');
  t.true(zips.length >= 3);
  for (const zip of zips) t.true((await stat(join(directory, zip))).size < 2 * 1024 * 1024, `${zip} is under 2 MB`);
});

test('S3 triggers: extract on tasks, silver on bronze manifests, prefixes disjoint, waiting for the bucket', async (t) => {
  const { template } = await packaged;
  const triggers = s3Triggers(template);
  const byFunction = Object.fromEntries(triggers.map((trigger) => [trigger.functionName.replace(/^wallapop-market-prod-/, ''), trigger]));
  t.like(byFunction.extract, { prefix: 'control/extract/', suffix: '.json', bucket: 'wallapop-market-prod-lake' });
  t.like(byFunction.silver, { prefix: 'bronze/search/', suffix: '_manifest.json' });
  for (const trigger of triggers) t.true(trigger.dependsOn.includes('DataBucket'), `${trigger.functionName} waits for the bucket`);
  for (const a of triggers) {
    for (const b of triggers) {
      if (a !== b) t.false(a.prefix!.startsWith(b.prefix!), `${a.prefix} overlaps ${b.prefix}`);
    }
  }
});

test('plan runs on a daily schedule in Madrid time', async (t) => {
  const { template } = await packaged;
  const schedules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
  t.is(schedules.length, 1);
  t.regex(schedules[0]!.Properties!.ScheduleExpression, /^cron\(/);
  t.is(schedules[0]!.Properties!.ScheduleExpressionTimezone, 'Europe/Madrid');
});

test('extract has reserved concurrency (it bounds the request rate to Wallapop)', async (t) => {
  const { template } = await packaged;
  t.true(template.Resources.ExtractLambdaFunction!.Properties!.ReservedConcurrentExecutions >= 1);
});

test('no circular dependency: functions name the bucket literally, never by reference', async (t) => {
  const { template } = await packaged;
  const graph = new Map<string, Set<string>>();
  const referencesIn = (value: unknown, found: Set<string>) => {
    if (Array.isArray(value)) value.forEach((item) => referencesIn(item, found));
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string') found.add(inner);
        else if (key === 'Fn::GetAtt') found.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]!);
        else referencesIn(inner, found);
      }
    }
  };
  for (const [name, resource] of Object.entries(template.Resources)) {
    const found = new Set<string>(([] as string[]).concat(resource.DependsOn ?? []));
    referencesIn(resource.Properties, found);
    graph.set(name, new Set([...found].filter((ref) => ref in template.Resources)));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const cycle: string[] = [];
  const visit = (node: string, path: string[]): boolean => {
    if (state.get(node) === 'done') return false;
    if (state.get(node) === 'visiting') {
      cycle.push(...path.slice(path.indexOf(node)), node);
      return true;
    }
    state.set(node, 'visiting');
    for (const next of graph.get(node) ?? []) if (visit(next, [...path, node])) return true;
    state.set(node, 'done');
    return false;
  };
  for (const node of graph.keys()) if (visit(node, [])) break;
  t.deepEqual(cycle, [], `dependency cycle: ${cycle.join(' → ')}`);
});
