// One IAM role per function, each allowed only the lake prefixes its stage owns (least privilege).
// The table below is the whole policy; tests/deploy/template.test.ts walks the packaged template and fails
// on any broader grant. Included from serverless.yml as `${file(resources/iam.cjs)}`.

/** Per stage: prefixes it reads (GetObject), lists (ListBucket with an s3:prefix condition) and writes (PutObject). */
const GRANTS = {
  // With shardCount auto, the plan sizes the day from the latest gold manifest and keeps the count
  // of a plan already written for the day.
  plan: {
    read: ['control/runs/', 'gold/_manifests/'],
    list: ['gold/_manifests/'],
    write: ['bronze/categories/', 'control/runs/', 'control/extract/'],
  },
  extract: {
    read: ['control/extract/', 'bronze/search/'],
    list: ['bronze/search/'],
    write: ['bronze/search/', 'control/extract/'],
  },
  silver: {
    read: ['bronze/', 'control/runs/'],
    list: ['bronze/'],
    write: ['silver/', 'quarantine/'],
  },
  // The dispatch claim (conditional writes) makes one fan-out dispatch a run; an operator's rerun
  // request is part of the run's identity.
  goldFanout: {
    read: ['control/runs/', 'silver/_manifests/', 'bronze/search/', 'control/claims/gold-dispatch/', 'control/reruns/gold/'],
    list: ['silver/_manifests/', 'bronze/search/', 'control/claims/gold-dispatch/', 'control/reruns/gold/'],
    write: ['control/gold/', 'control/claims/gold-dispatch/'],
  },
  goldShard: {
    // The previous day's comparable groups are its fair prices.
    read: ['control/gold/', 'control/runs/', 'silver/', 'bronze/search/', 'gold/state/', 'gold/_manifests/', 'gold/tables/comparable_daily/'],
    list: ['silver/', 'bronze/search/', 'gold/state/', 'gold/_manifests/'],
    write: ['gold/state/', 'gold/partials/'],
  },
  goldFanin: {
    // control/claims/: which run was dispatched (only its partials merge), and the publication's own claim.
    // control/stale-history/: whether the newest day rests on a recomputed day (latest.json's staleHistory).
    read: ['control/runs/', 'bronze/search/', 'silver/_manifests/', 'quarantine/', 'gold/', 'control/claims/', 'control/stale-history/'],
    // control/runs/: the planned days of a gap whose gold never finished (gold/quality).
    list: ['control/runs/', 'bronze/search/', 'silver/_manifests/', 'gold/', 'control/claims/', 'control/stale-history/'],
    write: ['gold/tables/', 'gold/dashboard/', 'gold/quality/', 'gold/_manifests/', 'control/claims/gold-publish/', 'control/stale-history/'],
  },
  // Alerts (docs/alerts.md): evaluation reads the day's gold and writes the alerts and their
  // dashboard window; delivery reads the alerts and keeps its delivery records.
  // control/runs/: the day's plan records the watches the day ran with.
  alertEvaluate: {
    read: ['gold/_manifests/', 'gold/state/', 'gold/dashboard/', 'control/runs/'],
    list: ['gold/alerts/', 'gold/dashboard/alerts', 'control/runs/'],
    write: ['gold/dashboard/alerts', 'gold/alerts/'],
  },
  alert: {
    read: ['gold/alerts/', 'control/deliveries/'],
    list: ['control/deliveries/'],
    write: ['control/deliveries/'],
  },
  // The run plan names the day's searches; their bronze manifests say how each extraction ended.
  watchdog: {
    read: ['gold/_manifests/', 'control/runs/', 'bronze/search/'],
    list: ['gold/_manifests/', 'control/runs/', 'bronze/search/'],
    write: [],
  },
};

/**
 * Grants beyond the lake. The alert function publishes to its topic and reads exactly one SSM
 * parameter, the webhook URL (none when the `alertWebhookParameter` parameter is ''); the
 * watchdog publishes to the alarm topic.
 */
const publishTo = (topic, what) => [
  { Sid: `PublishTo${topic}Only`, Effect: 'Allow', Action: ['sns:Publish'], Resource: { Ref: topic } },
  // The topics are encrypted with the stack's key: publishing needs a data key from it.
  { Sid: `EncryptFor${what}`, Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': ['TopicKey', 'Arn'] } },
];

const EXTRA_STATEMENTS = {
  // The drift notice names the searches, which an alarm on a metric cannot.
  watchdog: async () => publishTo('AlarmTopic', 'AlarmTopicOnly'),
  alert: async (resolveVariable) => {
    const parameter = String(await resolveVariable('param:alertWebhookParameter'));
    return [
      ...publishTo('AlertTopic', 'AlertTopicOnly'),
      ...(parameter === ''
        ? []
        : [
            {
              Sid: 'ReadWebhookParameterOnly',
              Effect: 'Allow',
              Action: ['ssm:GetParameter'],
              Resource: {
                'Fn::Join': ['', ['arn:aws:ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:parameter${parameter.startsWith('/') ? '' : '/'}${parameter}`]],
              },
            },
          ]),
    ];
  },
};

const roleLogicalId = (fn) => `${fn[0].toUpperCase()}${fn.slice(1)}Role`;

/**
 * The functions EventBridge Scheduler starts. Each schedule gets a role of its own that only the
 * scheduler service of this account can assume and that may invoke only its one function
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role);
 * serverless.yml points the schedule's `roleArn` at it.
 */
const SCHEDULED = ['plan', 'watchdog'];
const schedulerRoleLogicalId = (fn) => `${fn[0].toUpperCase()}${fn.slice(1)}SchedulerRole`;
const kebab = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const build = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const bucket = await resolveVariable('self:custom.dataBucket');
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const Resources = {};
  for (const [fn, grant] of Object.entries(GRANTS)) {
    const functionName = `${service}-${stage}-${kebab(fn)}`;
    const statements = [
      {
        Sid: 'OwnLogGroupOnly',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::Join': ['', ['arn:aws:logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:log-group:/aws/lambda/${functionName}:*`]] },
      },
      {
        Sid: 'FailedEventsToDeadLetterQueue',
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
      },
    ];
    if (grant.read.length > 0) {
      statements.push({ Sid: 'ReadOwnInputs', Effect: 'Allow', Action: ['s3:GetObject'], Resource: grant.read.map((prefix) => `${bucketArn}/${prefix}*`) });
    }
    if (grant.list.length > 0) {
      // Without ListBucket a missing key reads as 403 instead of 404; scoped to the stage's prefixes.
      statements.push({
        Sid: 'ListOwnInputs',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: bucketArn,
        Condition: { StringLike: { 's3:prefix': grant.list.map((prefix) => `${prefix}*`) } },
      });
    }
    if (grant.write.length > 0) {
      statements.push({ Sid: 'WriteOwnOutputs', Effect: 'Allow', Action: ['s3:PutObject'], Resource: grant.write.map((prefix) => `${bucketArn}/${prefix}*`) });
    }
    if (EXTRA_STATEMENTS[fn]) statements.push(...(await EXTRA_STATEMENTS[fn](resolveVariable)));
    Resources[roleLogicalId(fn)] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [{ PolicyName: `${fn}-least-privilege`, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
      },
    };
  }
  for (const fn of SCHEDULED) {
    const functionArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:function:${service}-${stage}-${kebab(fn)}`]] };
    Resources[schedulerRoleLogicalId(fn)] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: `${fn}-schedule-invokes-only-its-function`,
            PolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'InvokeOwnFunctionOnly', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [functionArn, { 'Fn::Join': ['', [functionArn, ':*']] }] }] },
          },
        ],
      },
    };
  }
  return { Resources };
};

module.exports = build;
// The table itself, for tests/deploy/iam-access.test.ts: what each function touches in a local run must be in it.
module.exports.GRANTS = GRANTS;
