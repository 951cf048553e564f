import test from 'ava';
import { readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { invocationProblems } from '../helpers/invocation-paths.ts';
import { packageService, run } from '../helpers/packaged-template.ts';
import { CONTENT_SECURITY_POLICY } from '../../dashboard/src/data/csp.ts';

type Template = import('../helpers/invocation-paths.ts').Template;

const packaged = packageService('prod');
test.after.always(async () => {
  const { directory } = await packaged;
  await rm(directory, { recursive: true, force: true });
});

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

// The tests must run on the Lambda runtime's Node major, or they prove nothing about production.
const LAMBDA_RUNTIME = 'nodejs24.x';

test('the tests run on the Lambda runtime\'s Node major (npm ci installs it into node_modules/.bin)', (t) => {
  const major = process.versions.node.split('.')[0];
  t.is(`nodejs${major}.x`, LAMBDA_RUNTIME, `tests run on Node ${process.versions.node}; run them through npm (npm test), which puts node_modules/.bin/node first on the PATH`);
});

const STAGE_FUNCTIONS = ['plan', 'extract', 'silver', 'gold-fanout', 'gold-shard', 'gold-fanin', 'alert-evaluate', 'alert', 'watchdog'];
const logicalId = (fn: string) => `${fn.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}LambdaFunction`;

/** What triggers each function, and nothing else: the event graph of the README. */
const INTENDED_TRIGGERS: Record<string, { s3?: { prefix: string; suffix: string }; schedule?: true }> = {
  plan: { schedule: true },
  extract: { s3: { prefix: 'control/extract/', suffix: '.json' } },
  silver: { s3: { prefix: 'bronze/search/', suffix: '_manifest.json' } },
  'gold-fanout': { s3: { prefix: 'silver/_manifests/', suffix: '.json' } },
  'gold-shard': { s3: { prefix: 'control/gold/', suffix: '.json' } },
  'gold-fanin': { s3: { prefix: 'gold/partials/', suffix: '.json' } },
  'alert-evaluate': { s3: { prefix: 'gold/_manifests/', suffix: '.json' } },
  alert: { s3: { prefix: 'gold/alerts/', suffix: 'alerts.json' } },
  watchdog: { schedule: true },
};

test('every stage is a Lambda on nodejs24.x with its own small bundle, log retention and a chosen memory size', async (t) => {
  const { template, directory } = await packaged;
  for (const fn of STAGE_FUNCTIONS) {
    const resource = template.Resources[logicalId(fn)];
    t.truthy(resource, fn);
    t.is(resource!.Properties!.Runtime, LAMBDA_RUNTIME, fn);
    t.true(resource!.Properties!.MemorySize >= 128, fn);
    t.true(resource!.Properties!.Timeout <= 900, fn);
  }
  const logGroups = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
  t.true(logGroups.length >= STAGE_FUNCTIONS.length);
  for (const group of logGroups) t.true(group.Properties!.RetentionInDays > 0);
  const zips = (await readdir(directory)).filter((file) => file.endsWith('.zip') && file !== 'custom-resources.zip');
  t.is(zips.length, STAGE_FUNCTIONS.length);
  for (const zip of zips) {
    const size = (await stat(join(directory, zip))).size;
    t.log(`${zip}: ${(size / 1024).toFixed(0)} KiB zipped`);
    t.true(size < 2 * 1024 * 1024, `${zip} is under 2 MB`);
  }
});

test('every function has exactly its intended trigger; S3 prefixes are disjoint and wait for the bucket', async (t) => {
  const { template } = await packaged;
  const triggers = s3Triggers(template);
  const schedules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
  for (const [fn, intended] of Object.entries(INTENDED_TRIGGERS)) {
    const ownS3 = triggers.filter((trigger) => trigger.functionName === `wallapop-market-prod-${fn}`);
    if (intended.s3) {
      t.is(ownS3.length, 1, `${fn} has one S3 trigger`);
      t.like(ownS3[0], { ...intended.s3, bucket: 'wallapop-market-prod-lake' }, fn);
    } else {
      t.is(ownS3.length, 0, `${fn} has no S3 trigger`);
    }
    const ownSchedules = schedules.filter((schedule) => JSON.stringify(schedule.Properties!.Target).includes(logicalId(fn)));
    t.is(ownSchedules.length, intended.schedule ? 1 : 0, `${fn} schedules`);
  }
  t.is(triggers.length, Object.values(INTENDED_TRIGGERS).filter((trigger) => trigger.s3).length);
  for (const trigger of triggers) t.true(trigger.dependsOn.includes('DataBucket'), `${trigger.functionName} waits for the bucket`);
  for (const a of triggers) {
    for (const b of triggers) {
      if (a !== b) t.false(a.prefix!.startsWith(b.prefix!), `${a.prefix} overlaps ${b.prefix}`);
    }
  }
});

test('the schedules run in Madrid time: plan in the morning, the watchdog after it', async (t) => {
  const { template } = await packaged;
  const schedules = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
  t.is(schedules.length, 2);
  for (const schedule of schedules) {
    t.regex(schedule.Properties!.ScheduleExpression, /^cron\(/);
    t.is(schedule.Properties!.ScheduleExpressionTimezone, 'Europe/Madrid');
  }
});

test('extract has reserved concurrency (it bounds the request rate to Wallapop); alert has exactly 1 (deliveries never overlap)', async (t) => {
  const { template } = await packaged;
  t.true(template.Resources.ExtractLambdaFunction!.Properties!.ReservedConcurrentExecutions >= 1);
  t.is(template.Resources.AlertLambdaFunction!.Properties!.ReservedConcurrentExecutions, 1);
});

test('asynchronous invocations retry twice, then go to an encrypted dead-letter queue', async (t) => {
  const { template } = await packaged;
  const queue = template.Resources.DeadLetterQueue!;
  t.is(queue.Type, 'AWS::SQS::Queue');
  t.true(queue.Properties!.SqsManagedSseEnabled === true || queue.Properties!.KmsMasterKeyId !== undefined);
  for (const fn of STAGE_FUNCTIONS.filter((name) => name !== 'watchdog')) {
    const config = Object.entries(template.Resources).find(
      ([, r]) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties!.FunctionName.Ref === logicalId(fn),
    )?.[1];
    t.truthy(config, `${fn} has an event invoke config`);
    t.is(config!.Properties!.MaximumRetryAttempts, 2, fn);
    t.true(config!.Properties!.MaximumEventAgeInSeconds > 0, fn);
    t.deepEqual(config!.Properties!.DestinationConfig.OnFailure.Destination, { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }, fn);
  }
});

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
  Sid?: string;
}

/** The prefixes each function may touch; anything broader fails the test. */
const ALLOWED: Record<string, { read: string[]; write: string[] }> = {
  plan: { read: ['control/runs/', 'gold/_manifests/'], write: ['bronze/categories/', 'control/runs/', 'control/extract/'] },
  extract: { read: ['control/extract/', 'bronze/search/'], write: ['bronze/search/', 'control/extract/'] },
  silver: { read: ['bronze/', 'control/runs/'], write: ['silver/', 'quarantine/'] },
  'gold-fanout': { read: ['control/runs/', 'silver/_manifests/', 'bronze/search/', 'control/claims/gold-dispatch/', 'control/reruns/gold/'], write: ['control/gold/', 'control/claims/gold-dispatch/'] },
  'gold-shard': { read: ['control/gold/', 'control/runs/', 'silver/', 'bronze/search/', 'gold/state/', 'gold/_manifests/', 'gold/tables/comparable_daily/'], write: ['gold/state/', 'gold/partials/'] },
  'gold-fanin': {
    read: ['control/runs/', 'bronze/search/', 'silver/_manifests/', 'quarantine/', 'gold/', 'control/claims/', 'control/stale-history/'],
    write: ['gold/tables/', 'gold/dashboard/', 'gold/quality/', 'gold/_manifests/', 'control/claims/gold-publish/', 'control/stale-history/'],
  },
  'alert-evaluate': { read: ['gold/_manifests/', 'gold/state/', 'gold/dashboard/', 'gold/alerts/', 'control/runs/'], write: ['gold/alerts/', 'gold/dashboard/alerts'] },
  alert: { read: ['gold/alerts/', 'control/deliveries/'], write: ['control/deliveries/'] },
  watchdog: { read: ['gold/_manifests/', 'control/runs/', 'bronze/search/'], write: [] },
};

test('least privilege: one role per function, each limited to the prefixes its stage owns', async (t) => {
  const { template } = await packaged;
  const roles = new Set<string>();
  for (const fn of STAGE_FUNCTIONS) {
    const role = template.Resources[logicalId(fn)]!.Properties!.Role;
    const roleId = role['Fn::GetAtt']?.[0] as string;
    t.truthy(roleId, `${fn} has its own role`);
    t.false(roles.has(roleId), `${fn} does not share a role`);
    roles.add(roleId);
    const statements = (template.Resources[roleId]!.Properties!.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    );
    t.deepEqual(template.Resources[roleId]!.Properties!.ManagedPolicyArns ?? [], [], `${fn} has no managed policies`);
    for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
      const actions = ([] as string[]).concat(statement.Action);
      const resources = ([] as unknown[]).concat(statement.Resource);
      for (const action of actions) {
        t.false(action === '*' || action.endsWith(':*'), `${fn}: wildcard action ${action}`);
        if (action.startsWith('s3:')) t.true(['s3:GetObject', 's3:PutObject', 's3:ListBucket'].includes(action), `${fn}: unexpected ${action}`);
      }
      for (const resource of resources) t.not(resource, '*', `${fn}: Resource '*' for ${actions.join(',')}`);
      const s3Actions = actions.filter((action) => action.startsWith('s3:'));
      if (s3Actions.length === 0) continue;
      if (s3Actions.includes('s3:ListBucket')) {
        t.deepEqual(resources, ['arn:aws:s3:::wallapop-market-prod-lake'], `${fn}: ListBucket on the bucket only`);
        const prefixes = ([] as string[]).concat(statement.Condition?.StringLike?.['s3:prefix'] ?? []);
        t.true(prefixes.length > 0, `${fn}: ListBucket is limited by s3:prefix`);
        for (const prefix of prefixes) t.true(ALLOWED[fn]!.read.some((allowed) => prefix.startsWith(allowed)), `${fn}: lists ${prefix}`);
        continue;
      }
      const allowed = s3Actions.includes('s3:PutObject') ? ALLOWED[fn]!.write : ALLOWED[fn]!.read;
      for (const resource of resources as string[]) {
        const match = /^arn:aws:s3:::wallapop-market-prod-lake\/(.+)\*$/.exec(resource);
        t.truthy(match, `${fn}: ${resource} is an object prefix of the data bucket`);
        t.true(match![1]!.length > 0 && allowed.some((prefix) => match![1]!.startsWith(prefix)), `${fn}: ${s3Actions.join(',')} on ${resource}`);
      }
    }
  }
});

test('the alert function reads only its one SSM parameter and publishes only to its encrypted topic, the watchdog only to the alarm topic; no other role may', async (t) => {
  const { template } = await packaged;
  const statementsOf = (fn: string) => {
    const roleId = template.Resources[logicalId(fn)]!.Properties!.Role['Fn::GetAtt'][0] as string;
    return (template.Resources[roleId]!.Properties!.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap((policy) => policy.PolicyDocument.Statement);
  };
  const outsideTheLake = (statements: Statement[]) =>
    statements.filter((statement) => ([] as string[]).concat(statement.Action).some((action) => /^(ssm|sns|kms|secretsmanager):/.test(action)));

  const alert = outsideTheLake(statementsOf('alert'));
  t.is(alert.length, 3);
  const ssm = alert.find((statement) => ([] as string[]).concat(statement.Action).some((action) => action.startsWith('ssm:')))!;
  t.deepEqual(ssm.Action, ['ssm:GetParameter'], 'read one parameter: no GetParameters(ByPath), no writes');
  t.false(Array.isArray(ssm.Resource), 'a single resource');
  const arn = JSON.stringify(ssm.Resource);
  t.is(
    arn,
    JSON.stringify({ 'Fn::Join': ['', ['arn:aws:ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter/wallapop-market/prod/alert-webhook-url']] }),
    'exactly the parameter named by alertWebhookParameter, no wildcard',
  );
  const sns = alert.find((statement) => ([] as string[]).concat(statement.Action).some((action) => action.startsWith('sns:')))!;
  t.deepEqual(sns.Action, ['sns:Publish']);
  t.deepEqual(sns.Resource, { Ref: 'AlertTopic' }, 'the alert topic only');
  const kms = alert.find((statement) => ([] as string[]).concat(statement.Action).some((action) => action.startsWith('kms:')))!;
  t.deepEqual(kms.Action, ['kms:GenerateDataKey*', 'kms:Decrypt'], 'what publishing to an encrypted topic needs');
  t.deepEqual(kms.Resource, { 'Fn::GetAtt': ['TopicKey', 'Arn'] }, 'the topic key only');
  const watchdog = outsideTheLake(statementsOf('watchdog'));
  t.deepEqual(
    watchdog.map((statement) => [statement.Action, statement.Resource]),
    [
      [['sns:Publish'], { Ref: 'AlarmTopic' }],
      [['kms:GenerateDataKey*', 'kms:Decrypt'], { 'Fn::GetAtt': ['TopicKey', 'Arn'] }],
    ],
    'the watchdog publishes its drift notice to the alarm topic, nothing else',
  );
  t.deepEqual(template.Resources.WatchdogLambdaFunction!.Properties!.Environment.Variables.ALARM_TOPIC_ARN, { Ref: 'AlarmTopic' });
  for (const fn of STAGE_FUNCTIONS.filter((name) => name !== 'alert' && name !== 'watchdog')) t.deepEqual(outsideTheLake(statementsOf(fn)), [], `${fn} has no SSM, SNS, KMS or Secrets Manager grant`);

  const environment = template.Resources.AlertLambdaFunction!.Properties!.Environment.Variables as Record<string, unknown>;
  t.is(environment.ALERT_WEBHOOK_PARAMETER, '/wallapop-market/prod/alert-webhook-url', 'the parameter name, not its value');
  t.deepEqual(environment.ALERT_TOPIC_ARN, { Ref: 'AlertTopic' });
  for (const [name, resource] of Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
    const variables = (resource.Properties!.Environment?.Variables ?? {}) as Record<string, unknown>;
    t.false('ALERT_WEBHOOK_URL' in variables, `${name}: no webhook URL in the environment`);
    t.false(Object.values(variables).some((value) => typeof value === 'string' && /^https?:\/\//.test(value)), `${name}: no URL in the environment`);
  }

  const topic = template.Resources.AlertTopic!;
  t.is(topic.Type, 'AWS::SNS::Topic');
  t.truthy(topic.Properties!.KmsMasterKeyId, 'encrypted');
  t.is(template.Resources.AlertEmailSubscription, undefined, 'no alertEmail, no subscription');
  // With the parameters set, the fragments add the subscriptions (decided when packaging, no condition).
  const fragment = async (file: string, email: string) => {
    const values: Record<string, string> = { 'self:service': 'wallapop-market', 'sls:stage': 'prod', 'param:alertEmail': email, 'param:alarmEmail': email };
    const build = createRequire(import.meta.url)(join(process.cwd(), 'resources', file)) as (context: { resolveVariable: (name: string) => Promise<string> }) => Promise<{ Resources: Record<string, { Properties: Record<string, unknown> }> }>;
    return (await build({ resolveVariable: async (name) => values[name]! })).Resources;
  };
  t.deepEqual((await fragment('alerts.cjs', 'me@example.com')).AlertEmailSubscription?.Properties, { TopicArn: { Ref: 'AlertTopic' }, Protocol: 'email', Endpoint: 'me@example.com' });
  t.deepEqual((await fragment('alarms.cjs', 'me@example.com')).AlarmEmailSubscription?.Properties, { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: 'me@example.com' });
  t.is((await fragment('alarms.cjs', '')).AlarmEmailSubscription, undefined);
});

test('the data bucket: private, encrypted, TLS only, owner-enforced, with lifecycle rules', async (t) => {
  const { template } = await packaged;
  const bucket = template.Resources.DataBucket!.Properties!;
  t.deepEqual(bucket.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
  t.truthy(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm);
  t.is(bucket.OwnershipControls.Rules[0].ObjectOwnership, 'BucketOwnerEnforced');
  const rules = bucket.LifecycleConfiguration.Rules as Array<{ Prefix?: string; Transitions?: unknown[]; ExpirationInDays?: number }>;
  t.truthy(rules.find((rule) => rule.Prefix === 'bronze/search/' && rule.Transitions && rule.ExpirationInDays));
  t.truthy(rules.find((rule) => rule.Prefix === 'quarantine/' && rule.ExpirationInDays));
  t.false(rules.some((rule) => rule.Prefix?.startsWith('gold') || rule.Prefix?.startsWith('silver')), 'silver and gold are kept');
  const policy = Object.values(template.Resources).find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties!.Bucket.Ref === 'DataBucket');
  const denyInsecure = (policy!.Properties!.PolicyDocument.Statement as Statement[]).find((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
  t.truthy(denyInsecure, 'TLS-only bucket policy');
});

test('the dashboard site: private bucket behind CloudFront with OAC, HTTPS only, strict CSP', async (t) => {
  const { template } = await packaged;
  const site = template.Resources.SiteBucket!.Properties!;
  t.true(site.PublicAccessBlockConfiguration.RestrictPublicBuckets);
  const distribution = template.Resources.SiteDistribution!.Properties!.DistributionConfig;
  t.truthy(distribution.Origins[0].OriginAccessControlId);
  t.is(distribution.DefaultCacheBehavior.ViewerProtocolPolicy, 'redirect-to-https');
  const headers = template.Resources.SiteSecurityHeadersPolicy!.Properties!.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
  const csp: string = headers.ContentSecurityPolicy.ContentSecurityPolicy;
  t.regex(csp, /default-src 'self'/);
  t.regex(csp, /script-src 'self'/);
  t.notRegex(csp, /unsafe-inline|unsafe-eval|\*/);
  t.is(csp, CONTENT_SECURITY_POLICY, 'production sends the policy the site is built and tested for');
  t.truthy(headers.StrictTransportSecurity);
  const policy = template.Resources.SiteBucketPolicy!.Properties!.PolicyDocument.Statement as Statement[];
  const read = policy.find((s) => s.Effect === 'Allow')!;
  t.deepEqual((read as unknown as { Principal: unknown }).Principal, { Service: 'cloudfront.amazonaws.com' });
  t.truthy(read.Condition?.StringEquals?.['AWS:SourceArn'], 'only this distribution may read');
});

test('every alarm notifies the alarm topic; errors, dead letters and a late day are watched', async (t) => {
  const { template } = await packaged;
  const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
  t.true(alarms.length >= STAGE_FUNCTIONS.length + 2);
  for (const [name, alarm] of alarms) t.deepEqual(alarm.Properties!.AlarmActions, [{ Ref: 'AlarmTopic' }], name);
  const metrics = alarms.map(([, alarm]) => alarm.Properties!.MetricName);
  t.true(metrics.includes('ApproximateNumberOfMessagesVisible'));
  t.true(metrics.includes('dayNotFinished'));
  t.is(metrics.filter((metric) => metric === 'Errors').length, STAGE_FUNCTIONS.length);
  t.is(template.Resources.AlarmTopic!.Type, 'AWS::SNS::Topic');
});

test('Athena: Glue tables over silver and gold with partition projection on dt, generated from the writers', async (t) => {
  const { template } = await packaged;
  const tables = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Glue::Table');
  t.true(tables.length >= 3);
  for (const table of tables) {
    const parameters = table.Properties!.TableInput.Parameters;
    t.is(parameters['projection.enabled'], 'true');
    t.is(parameters['projection.dt.type'], 'date');
    t.regex(parameters['storage.location.template'], /^s3:\/\/wallapop-market-prod-lake\/.+dt=\$\{dt\}\//);
  }
  await t.notThrowsAsync(run('npx', ['tsx', 'scripts/athena-resources.ts', '--check']), 'resources/athena.yml is up to date');
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

/**
 * What no deploy can be tried here: that the deployed stack can actually run. For both stages the
 * packaged template is read the way AWS would act on it (tests/helpers/invocation-paths.ts), and
 * cfn-lint checks it against AWS's own resource rules.
 */

const STAGES = ['dev', 'prod'] as const;
// One packaging at a time: the framework keeps its state in the service's .serverless folder.
const packagedDev = packaged.then(() => packageService('dev'));
const byStage = { prod: packaged, dev: packagedDev } as const;
test.after.always(async () => {
  await rm((await packagedDev).directory, { recursive: true, force: true });
});

for (const stage of STAGES) {
  test(`${stage}: every trigger can reach its target (schedules, S3 notifications, alarms, failure destinations, alert delivery, CloudFront)`, async (t) => {
    const { template } = await byStage[stage];
    t.deepEqual(invocationProblems(template), []);
    const types = (type: string) => Object.values(template.Resources).filter((resource) => resource.Type === type).length;
    t.true(types('AWS::Scheduler::Schedule') === 2 && types('Custom::S3') === 7 && types('AWS::CloudWatch::Alarm') >= 12 && types('AWS::Lambda::EventInvokeConfig') >= 8, 'the checks saw every kind of trigger');
  });

  test(`${stage}: cfn-lint finds no error and no warning that is not accepted with its reason`, async (t) => {
    const { template, templatePath } = await byStage[stage];
    const version = await run('cfn-lint', ['--version']).catch(() => null);
    const accepted = (template.Metadata?.['cfn-lint']?.config?.ignore_checks ?? []) as string[];
    const reasons = (template.Metadata?.WallapopAcceptedChecks ?? {}) as Record<string, string>;
    for (const check of accepted) t.true((reasons[check] ?? '').length > 40, `accepted check ${check} has its reason in the template metadata`);
    if (version === null) {
      t.log('cfn-lint is not installed on this machine (pip install cfn-lint): the lint half of this test is skipped; CI has it');
      return;
    }
    const result = await run('cfn-lint', ['--format', 'parseable', templatePath]).then(
      (output) => ({ code: 0, output: output.stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
    );
    t.log(`${version.stdout.trim()}: ${result.output.trim() === '' ? 'clean' : result.output.trim()}`);
    t.is(result.output.trim(), '', 'no finding');
    t.is(result.code, 0);
  });
}

/** A copy of the prod template with `change` applied. */
async function broken(change: (template: Template) => void): Promise<Template> {
  const template = structuredClone((await packaged).template);
  change(template);
  return template;
}

test('the checks fail on the links that were broken, naming the trigger', async (t) => {
  // The schedule as the first release shipped it: the function's own role, which only Lambda can assume.
  const scheduleWithFunctionRole = await broken((template) => {
    template.Resources.PlanSchedulerSchedule1!.Properties!.Target.RoleArn = { 'Fn::GetAtt': ['PlanRole', 'Arn'] };
  });
  t.deepEqual(invocationProblems(scheduleWithFunctionRole), [
    'schedule PlanSchedulerSchedule1: role PlanRole cannot be assumed by scheduler.amazonaws.com',
    'schedule PlanSchedulerSchedule1: role PlanRole may not invoke wallapop-market-prod-plan',
  ]);
  const scheduleOfAnotherFunction = await broken((template) => {
    template.Resources.WatchdogSchedulerSchedule1!.Properties!.Target.RoleArn = { 'Fn::GetAtt': ['PlanSchedulerRole', 'Arn'] };
  });
  t.deepEqual(invocationProblems(scheduleOfAnotherFunction), ['schedule WatchdogSchedulerSchedule1: role PlanSchedulerRole may not invoke wallapop-market-prod-watchdog']);

  // The alarm topic as the first release shipped it: encrypted with the AWS-managed key.
  const managedKey = await broken((template) => {
    template.Resources.AlarmTopic!.Properties!.KmsMasterKeyId = 'alias/aws/sns';
  });
  const alarmProblems = invocationProblems(managedKey);
  t.true(alarmProblems.length >= 12);
  t.true(alarmProblems.includes('alarm DayNotFinishedAlarm → AlarmTopic: encrypted with alias/aws/sns, a key whose policy this stack cannot set (an AWS-managed key)'));

  const keyWithoutCloudWatch = await broken((template) => {
    const policy = template.Resources.TopicKey!.Properties!.KeyPolicy;
    policy.Statement = policy.Statement.filter((statement: { Sid: string }) => statement.Sid !== 'CloudWatchAlarmsPublishToTheEncryptedTopics');
  });
  t.true(invocationProblems(keyWithoutCloudWatch).includes('alarm WatchdogSilentAlarm → AlarmTopic: the key policy of TopicKey does not let cloudwatch.amazonaws.com kms:GenerateDataKey, kms:Decrypt'));

  const alertWithoutKey = await broken((template) => {
    const statements = template.Resources.AlertRole!.Properties!.Policies[0].PolicyDocument.Statement;
    template.Resources.AlertRole!.Properties!.Policies[0].PolicyDocument.Statement = statements.filter((statement: { Sid: string }) => statement.Sid !== 'EncryptForAlertTopicOnly');
  });
  t.deepEqual(invocationProblems(alertWithoutKey), ['ALERT_TOPIC_ARN of AlertLambdaFunction: AlertRole may not use TopicKey to publish to the encrypted AlertTopic']);

  const watchdogWithoutPublish = await broken((template) => {
    const statements = template.Resources.WatchdogRole!.Properties!.Policies[0].PolicyDocument.Statement;
    template.Resources.WatchdogRole!.Properties!.Policies[0].PolicyDocument.Statement = statements.filter((statement: { Sid: string }) => statement.Sid !== 'PublishToAlarmTopicOnly');
  });
  t.deepEqual(invocationProblems(watchdogWithoutPublish), ['ALARM_TOPIC_ARN of WatchdogLambdaFunction: WatchdogRole may not publish to AlarmTopic']);

  const noDeadLetters = await broken((template) => {
    const statements = template.Resources.SilverRole!.Properties!.Policies[0].PolicyDocument.Statement;
    template.Resources.SilverRole!.Properties!.Policies[0].PolicyDocument.Statement = statements.filter((statement: { Sid: string }) => statement.Sid !== 'FailedEventsToDeadLetterQueue');
  });
  t.deepEqual(invocationProblems(noDeadLetters), ['failure destination SilverLambdaEvConf: SilverRole may not send to DeadLetterQueue']);

  const noAddPermission = await broken((template) => {
    const statements = template.Resources.IamRoleCustomResourcesLambdaExecution!.Properties!.Policies[0].PolicyDocument.Statement;
    template.Resources.IamRoleCustomResourcesLambdaExecution!.Properties!.Policies[0].PolicyDocument.Statement = statements.filter((statement: { Action: string[] }) => !statement.Action.includes('lambda:AddPermission'));
  });
  t.is(invocationProblems(noAddPermission).filter((problem) => /may not let S3 invoke/.test(problem)).length, 7);

  const siteForAnotherDistribution = await broken((template) => {
    template.Resources.SiteBucketPolicy!.Properties!.PolicyDocument.Statement[0].Condition.StringEquals['AWS:SourceArn'] = 'arn:aws:cloudfront::123456789012:distribution/OTHER';
  });
  t.deepEqual(invocationProblems(siteForAnotherDistribution), ['CloudFront origin site of SiteDistribution: the policy of SiteBucket does not let this distribution read it']);
});

test('what must outlive the stack does, the deployment bucket is private and TLS-only, a silent watchdog alarms', async (t) => {
  const { template } = await packaged;
  const resources = template.Resources;
  for (const id of ['DataBucket', 'DeadLetterQueue', 'TopicKey', ...Object.keys(resources).filter((key) => resources[key]!.Type === 'AWS::Logs::LogGroup')]) {
    t.is(resources[id]!.DeletionPolicy, 'Retain', `${id} survives deleting the stack`);
    if (id !== 'DataBucket') t.is(resources[id]!.UpdateReplacePolicy, 'Retain', `${id} survives a replacement`);
  }
  t.deepEqual(resources.ServerlessDeploymentBucket!.Properties!.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
  const deploymentPolicy = resources.ServerlessDeploymentBucketPolicy!.Properties!.PolicyDocument.Statement as Array<{ Effect: string; Condition?: { Bool?: Record<string, unknown> } }>;
  t.true(deploymentPolicy.some((statement) => statement.Effect === 'Deny' && String(statement.Condition?.Bool?.['aws:SecureTransport']) === 'false'));
  t.true(resources.TopicKey!.Properties!.EnableKeyRotation);
  for (const topic of ['AlarmTopic', 'AlertTopic']) t.deepEqual(resources[topic]!.Properties!.KmsMasterKeyId, { 'Fn::GetAtt': ['TopicKey', 'Arn'] });
  t.like(resources.WatchdogSilentAlarm!.Properties, { TreatMissingData: 'breaching', Statistic: 'SampleCount', ComparisonOperator: 'LessThanThreshold', MetricName: 'dayNotFinished' });
  t.is(resources.WatchdogSilentAlarm!.Properties!.EvaluationPeriods * resources.WatchdogSilentAlarm!.Properties!.Period, 25 * 3600, 'a day and an hour of silence');
  t.is(template.Conditions, undefined, 'no condition on a constant: optional subscriptions are decided when packaging');
});
