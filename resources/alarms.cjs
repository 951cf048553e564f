// Alarms and the topic they notify. Included from serverless.yml as `${file(resources/alarms.cjs)}`.
// Every alarm targets AlarmTopic (tests/template.test.ts checks it); an e-mail subscription is
// created only when the `alarmEmail` parameter is set.

const STAGES = ['plan', 'extract', 'silver', 'gold-fanout', 'gold-shard', 'gold-fanin', 'alert-evaluate', 'alert', 'watchdog'];
const pascal = (name) => name.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase());

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const namespace = 'WallapopMarket';
  const alarmActions = [{ Ref: 'AlarmTopic' }];
  const Resources = {
    AlarmTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: `${service}-${stage}-alarms`, KmsMasterKeyId: 'alias/aws/sns' },
    },
    AlarmEmailSubscription: {
      Type: 'AWS::SNS::Subscription',
      Condition: 'HasAlarmEmail',
      Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: await resolveVariable('param:alarmEmail') },
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
        Dimensions: [{ Name: 'service', Value: 'wallapop-market' }, { Name: 'stage', Value: 'watchdog' }],
        Statistic: 'Maximum',
        Period: 3600,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
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
  return {
    Conditions: { HasAlarmEmail: { 'Fn::Not': [{ 'Fn::Equals': [await resolveVariable('param:alarmEmail'), ''] }] } },
    Resources,
  };
};
