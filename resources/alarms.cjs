// Alarms and the topic they notify. Included from serverless.yml as `${file(resources/alarms.cjs)}`.
// Every alarm targets AlarmTopic (tests/deploy/template.test.ts checks it, and that CloudWatch may use the
// topic's key); an e-mail subscription is created only when the `alarmEmail` parameter is set.

const STAGES = ['plan', 'extract', 'silver', 'gold-fanout', 'gold-shard', 'gold-fanin', 'alert-evaluate', 'alert', 'watchdog'];
const pascal = (name) => name.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase());

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const namespace = 'WallapopMarket';
  const alarmActions = [{ Ref: 'AlarmTopic' }];
  const watchdogDimensions = [{ Name: 'service', Value: 'wallapop-market' }, { Name: 'stage', Value: 'watchdog' }];
  const email = String(await resolveVariable('param:alarmEmail'));
  const Resources = {
    AlarmTopic: {
      Type: 'AWS::SNS::Topic',
      // The stack's customer-managed key: CloudWatch cannot publish to a topic under the AWS-managed one.
      Properties: { TopicName: `${service}-${stage}-alarms`, KmsMasterKeyId: { 'Fn::GetAtt': ['TopicKey', 'Arn'] } },
    },
    DeadLetterQueueNotEmptyAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${service}-${stage}-dead-letters-waiting`,
        AlarmDescription: 'Events failed every retry and wait in the dead-letter queue: read them, fix the cause, re-drive (README "Operations").',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: alarmActions,
      },
    },
    DayNotFinishedAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${service}-${stage}-day-not-finished`,
        AlarmDescription: 'The watchdog found no gold manifest for today at the configured hour: the dashboard shows yesterday.',
        Namespace: namespace,
        MetricName: 'dayNotFinished',
        Dimensions: watchdogDimensions,
        Statistic: 'Maximum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        // The watchdog reports once a day: the hours between are not news. WatchdogSilentAlarm covers a watchdog that never reports.
        TreatMissingData: 'notBreaching',
        AlarmActions: alarmActions,
      },
    },
    WatchdogSilentAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${service}-${stage}-watchdog-silent`,
        AlarmDescription: 'The watchdog has not reported for 25 hours: nothing checks that the days finish (its schedule, role or function is broken).',
        Namespace: namespace,
        MetricName: 'dayNotFinished',
        Dimensions: watchdogDimensions,
        // Any report counts, finished or not: silence is the failure.
        Statistic: 'SampleCount',
        Period: 3600,
        EvaluationPeriods: 25,
        DatapointsToAlarm: 25,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: alarmActions,
      },
    },
  };
  for (const fn of STAGES) {
    Resources[`${pascal(fn)}ErrorsAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${service}-${stage}-${fn}-errors`,
        AlarmDescription: `The ${fn} function failed an invocation (Lambda retries it twice before dead-lettering).`,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: `${service}-${stage}-${fn}` }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: alarmActions,
      },
    };
  }
  // Known when packaging: the subscription exists or not, rather than a condition on a constant.
  if (email !== '') Resources.AlarmEmailSubscription = { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: email } };
  return { Resources };
};
