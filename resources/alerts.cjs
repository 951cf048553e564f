// Where the alert function publishes the daily digest of a day's alerts (docs/alerts.md): a topic
// encrypted with the stack's topic key (resources/topic-key.yml), with an e-mail subscription when
// the `alertEmail` parameter is set (confirm it from the e-mail SNS sends). Other subscribers (SMS,
// another account's queue) can be added to the topic by hand. The webhook is not here: its URL is a
// secret in SSM Parameter Store. Included from serverless.yml as `${file(resources/alerts.cjs)}`.

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const email = String(await resolveVariable('param:alertEmail'));
  const Resources = {
    AlertTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: `${service}-${stage}-alerts`, DisplayName: 'Wallapop alerts', KmsMasterKeyId: { 'Fn::GetAtt': ['TopicKey', 'Arn'] } },
    },
  };
  // Known when packaging: the subscription exists or not, rather than a condition on a constant.
  if (email !== '') {
    Resources.AlertEmailSubscription = { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'AlertTopic' }, Protocol: 'email', Endpoint: email } };
  }
  return {
    Resources,
    Outputs: { AlertTopicArn: { Description: 'The alert topic (daily digests of the watches\' alerts); subscribe more endpoints to it.', Value: { Ref: 'AlertTopic' } } },
  };
};
