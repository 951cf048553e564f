/**
 * Every way something starts or feeds a function on AWS, checked on a packaged CloudFormation
 * template: for each trigger, the principal AWS acts as must be allowed to do it, by the trust
 * policy of the role it assumes, the role's own policy, the target's resource policy and the KMS
 * key policy of anything encrypted on the way. A broken link is reported with the trigger's name.
 * Not a full IAM evaluator: it renders intrinsic functions to ARNs in one made-up account and
 * matches actions and resources with IAM's wildcards, which is what these templates use.
 */

export interface Resource {
  Type: string;
  Properties?: Record<string, any>;
  DependsOn?: string[] | string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, any>;
}

export interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
  Metadata?: Record<string, any>;
  Conditions?: Record<string, unknown>;
}

interface Statement {
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action?: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

/** The template's value as a string: pseudo parameters and this template's resources rendered as their ARNs or names. */
export function render(template: Template, value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  const node = value as Record<string, any>;
  if ('Ref' in node) return refOf(template, node.Ref as string);
  if ('Fn::GetAtt' in node) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    return attribute === 'Arn' ? arnOf(template, id) : `${id}.${attribute}`;
  }
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => render(template, part)).join(separator);
  }
  if ('Fn::Sub' in node) {
    const text = Array.isArray(node['Fn::Sub']) ? (node['Fn::Sub'][0] as string) : (node['Fn::Sub'] as string);
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => (name.includes('.') ? render(template, { 'Fn::GetAtt': name.split('.') }) : refOf(template, name)));
  }
  return JSON.stringify(value);
}

function refOf(template: Template, name: string): string {
  switch (name) {
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::Region':
      return REGION;
    case 'AWS::AccountId':
      return ACCOUNT;
  }
  const resource = template.Resources[name];
  if (resource === undefined) return `<unknown ${name}>`;
  switch (resource.Type) {
    case 'AWS::SNS::Topic':
      return arnOf(template, name);
    case 'AWS::S3::Bucket':
      return resource.Properties?.BucketName ? render(template, resource.Properties.BucketName) : name.toLowerCase();
    case 'AWS::Lambda::Function':
      return functionName(template, name);
    default:
      return name;
  }
}

function functionName(template: Template, id: string): string {
  return render(template, template.Resources[id]!.Properties?.FunctionName ?? id);
}

function arnOf(template: Template, id: string): string {
  const resource = template.Resources[id];
  if (resource === undefined) return `<unknown ${id}>`;
  const properties = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName(template, id)}`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${REGION}:${ACCOUNT}:${properties.QueueName ? render(template, properties.QueueName) : id}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${REGION}:${ACCOUNT}:${properties.TopicName ? render(template, properties.TopicName) : id}`;
    case 'AWS::KMS::Key':
      return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${ACCOUNT}:role/${id}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${refOf(template, id)}`;
    default:
      return `arn:aws:${resource.Type}:${id}`;
  }
}

/** The logical id of the resource a reference (Ref, GetAtt, or a literal name or ARN) points at, of the given type. */
function resourceOf(template: Template, value: unknown, type: string): string | undefined {
  if (value !== null && typeof value === 'object') {
    const node = value as Record<string, any>;
    const id = 'Ref' in node ? node.Ref : 'Fn::GetAtt' in node ? node['Fn::GetAtt'][0] : undefined;
    if (typeof id === 'string' && template.Resources[id]?.Type === type) return id;
  }
  const text = render(template, value);
  return Object.keys(template.Resources).find((id) => template.Resources[id]!.Type === type && (arnOf(template, id) === text || refOf(template, id) === text));
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function wildcard(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(value);
}

function statementsOf(document: unknown): Statement[] {
  return list((document as { Statement?: Statement | Statement[] } | undefined)?.Statement);
}

function principalMatches(template: Template, principal: unknown, wanted: { service?: string; account?: boolean }): boolean {
  if (principal === '*') return true;
  const node = principal as { Service?: unknown; AWS?: unknown };
  if (wanted.service !== undefined && list(node?.Service as string | string[]).some((service) => render(template, service) === wanted.service)) return true;
  if (wanted.account === true && list(node?.AWS as unknown[]).some((aws) => [ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`].includes(render(template, aws)))) return true;
  return false;
}

/** Whether a statement list allows `action` on `resource` (a Deny that matches wins; conditions are taken as met). */
function allows(template: Template, statements: readonly Statement[], action: string, resource: string, principal?: { service?: string; account?: boolean }): boolean {
  const matches = (statement: Statement) =>
    (principal === undefined || principalMatches(template, statement.Principal, principal)) &&
    list(statement.Action).some((pattern) => wildcard(pattern, action)) &&
    list(statement.Resource as unknown[]).some((pattern) => wildcard(render(template, pattern), resource));
  if (statements.some((statement) => statement.Effect === 'Deny' && matches(statement) && statement.Condition === undefined)) return false;
  return statements.some((statement) => statement.Effect === 'Allow' && matches(statement));
}

function rolePolicies(template: Template, roleId: string): Statement[] {
  const role = template.Resources[roleId]!;
  return list(role.Properties?.Policies as Array<{ PolicyDocument: unknown }>).flatMap((policy) => statementsOf(policy.PolicyDocument));
}

function trusts(template: Template, roleId: string, service: string): boolean {
  return statementsOf(template.Resources[roleId]!.Properties?.AssumeRolePolicyDocument).some(
    (statement) => statement.Effect === 'Allow' && principalMatches(template, statement.Principal, { service }) && list(statement.Action).some((action) => wildcard(action, 'sts:AssumeRole')),
  );
}

/** Whether a service principal (or the roles of the account) may use a KMS key of this template for `actions`; AWS-managed keys cannot be granted to services. */
function keyAllows(template: Template, keyReference: unknown, actions: readonly string[], who: { service?: string; account?: boolean }): string | null {
  const keyId = resourceOf(template, keyReference, 'AWS::KMS::Key') ?? aliasTarget(template, keyReference);
  if (keyId === undefined) return `encrypted with ${render(template, keyReference)}, a key whose policy this stack cannot set (an AWS-managed key)`;
  const policy = statementsOf(template.Resources[keyId]!.Properties?.KeyPolicy);
  const missing = actions.filter((action) => !allows(template, policy, action, '*', who) && !allows(template, policy, action, arnOf(template, keyId), who));
  return missing.length === 0 ? null : `the key policy of ${keyId} does not let ${who.service ?? 'the account'} ${missing.join(', ')}`;
}

function aliasTarget(template: Template, keyReference: unknown): string | undefined {
  const name = render(template, keyReference);
  const alias = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::KMS::Alias' && render(template, resource.Properties?.AliasName) === name);
  return alias === undefined ? undefined : resourceOf(template, alias.Properties!.TargetKeyId, 'AWS::KMS::Key');
}

function roleOfFunction(template: Template, functionId: string): string | undefined {
  return resourceOf(template, template.Resources[functionId]!.Properties?.Role, 'AWS::IAM::Role');
}

/** Every broken link of every trigger in the template; empty when every path works. */
export function invocationProblems(template: Template): string[] {
  const problems: string[] = [];
  const entries = Object.entries(template.Resources);

  // Schedules: EventBridge Scheduler assumes the schedule's role and invokes the target with it.
  for (const [id, schedule] of entries.filter(([, resource]) => resource.Type === 'AWS::Scheduler::Schedule')) {
    const target = schedule.Properties!.Target as { Arn: unknown; RoleArn: unknown };
    const functionId = resourceOf(template, target.Arn, 'AWS::Lambda::Function');
    const roleId = resourceOf(template, target.RoleArn, 'AWS::IAM::Role');
    if (functionId === undefined) problems.push(`schedule ${id}: its target is not a function of this stack`);
    else if (roleId === undefined) problems.push(`schedule ${id}: its role is not a role of this stack`);
    else {
      if (!trusts(template, roleId, 'scheduler.amazonaws.com')) problems.push(`schedule ${id}: role ${roleId} cannot be assumed by scheduler.amazonaws.com`);
      if (!allows(template, rolePolicies(template, roleId), 'lambda:InvokeFunction', arnOf(template, functionId))) problems.push(`schedule ${id}: role ${roleId} may not invoke ${functionName(template, functionId)}`);
    }
  }

  // S3 notifications on the existing data bucket: the framework's custom resource sets them and
  // grants S3 the right to invoke (lambda:AddPermission) at deploy time, with its own role.
  for (const [id, notification] of entries.filter(([, resource]) => resource.Type === 'Custom::S3')) {
    const properties = notification.Properties!;
    const serviceFunction = resourceOf(template, properties.ServiceToken, 'AWS::Lambda::Function');
    const target = entries.find(([, resource]) => resource.Type === 'AWS::Lambda::Function' && render(template, resource.Properties?.FunctionName) === render(template, properties.FunctionName))?.[0];
    const bucketArn = `arn:aws:s3:::${render(template, properties.BucketName)}`;
    if (target === undefined) problems.push(`S3 notification ${id}: ${render(template, properties.FunctionName)} is not a function of this stack`);
    if (serviceFunction === undefined) {
      problems.push(`S3 notification ${id}: no custom-resource function sets it`);
      continue;
    }
    const roleId = roleOfFunction(template, serviceFunction);
    const policies = roleId === undefined ? [] : rolePolicies(template, roleId);
    if (!allows(template, policies, 's3:PutBucketNotification', bucketArn)) problems.push(`S3 notification ${id}: the custom resource's role may not set notifications on ${bucketArn}`);
    if (target !== undefined && !allows(template, policies, 'lambda:AddPermission', arnOf(template, target))) problems.push(`S3 notification ${id}: the custom resource's role may not let S3 invoke ${functionName(template, target)}`);
  }
  // Notifications through a Lambda::Permission (a bucket the stack owns outright) would be checked here too.
  for (const [id, permission] of entries.filter(([, resource]) => resource.Type === 'AWS::Lambda::Permission')) {
    const properties = permission.Properties!;
    if (render(template, properties.Action) !== 'lambda:InvokeFunction') problems.push(`permission ${id}: grants ${render(template, properties.Action)}, not lambda:InvokeFunction`);
  }

  // Alarms publish to their topics as cloudwatch.amazonaws.com; an encrypted topic needs its key to allow that.
  for (const [id, alarm] of entries.filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm')) {
    for (const action of list(alarm.Properties!.AlarmActions as unknown[])) {
      const topicId = resourceOf(template, action, 'AWS::SNS::Topic');
      if (topicId === undefined) {
        problems.push(`alarm ${id}: action ${render(template, action)} is not a topic of this stack`);
        continue;
      }
      const key = template.Resources[topicId]!.Properties?.KmsMasterKeyId;
      const problem = key === undefined ? null : keyAllows(template, key, ['kms:GenerateDataKey', 'kms:Decrypt'], { service: 'cloudwatch.amazonaws.com' });
      if (problem !== null) problems.push(`alarm ${id} → ${topicId}: ${problem}`);
      const policies = entries.filter(([, resource]) => resource.Type === 'AWS::SNS::TopicPolicy' && list(resource.Properties!.Topics as unknown[]).some((topic) => resourceOf(template, topic, 'AWS::SNS::Topic') === topicId));
      for (const [policyId, policy] of policies) {
        if (!allows(template, statementsOf(policy.Properties!.PolicyDocument), 'sns:Publish', arnOf(template, topicId), { service: 'cloudwatch.amazonaws.com' })) problems.push(`alarm ${id} → ${topicId}: topic policy ${policyId} does not let CloudWatch publish`);
      }
    }
  }

  // Asynchronous invocations that fail every retry go to their destination, sent with the function's own role.
  for (const [id, config] of entries.filter(([, resource]) => resource.Type === 'AWS::Lambda::EventInvokeConfig')) {
    const functionId = resourceOf(template, config.Properties!.FunctionName, 'AWS::Lambda::Function');
    const destination = config.Properties!.DestinationConfig?.OnFailure?.Destination;
    if (functionId === undefined || destination === undefined) continue;
    const queueId = resourceOf(template, destination, 'AWS::SQS::Queue');
    const roleId = roleOfFunction(template, functionId);
    if (queueId === undefined || roleId === undefined) {
      problems.push(`failure destination ${id}: not a queue and a role of this stack`);
      continue;
    }
    if (!allows(template, rolePolicies(template, roleId), 'sqs:SendMessage', arnOf(template, queueId))) problems.push(`failure destination ${id}: ${roleId} may not send to ${queueId}`);
    const key = template.Resources[queueId]!.Properties?.KmsMasterKeyId;
    if (key !== undefined) {
      const keyId = resourceOf(template, key, 'AWS::KMS::Key');
      if (keyId === undefined || !allows(template, rolePolicies(template, roleId), 'kms:GenerateDataKey', arnOf(template, keyId))) problems.push(`failure destination ${id}: ${roleId} may not use the queue's key`);
    }
  }

  // Functions that publish to a topic named in their environment (the alert digest, the watchdog's
  // drift notice): their role, and the topic's key.
  for (const [functionId, fn] of entries.filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')) {
    const variables = (fn.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
    for (const [variable, topicArn] of Object.entries(variables).filter(([name]) => name.endsWith('_TOPIC_ARN'))) {
      const what = `${variable} of ${functionId}`;
      const topicId = resourceOf(template, topicArn, 'AWS::SNS::Topic');
      const roleId = roleOfFunction(template, functionId);
      if (topicId === undefined || roleId === undefined) {
        problems.push(`${what}: its topic or role is not of this stack`);
        continue;
      }
      const policies = rolePolicies(template, roleId);
      if (!allows(template, policies, 'sns:Publish', arnOf(template, topicId))) problems.push(`${what}: ${roleId} may not publish to ${topicId}`);
      const key = template.Resources[topicId]!.Properties?.KmsMasterKeyId;
      if (key !== undefined) {
        const keyId = resourceOf(template, key, 'AWS::KMS::Key') ?? aliasTarget(template, key);
        if (keyId !== undefined && !allows(template, policies, 'kms:GenerateDataKey', arnOf(template, keyId))) problems.push(`${what}: ${roleId} may not use ${keyId} to publish to the encrypted ${topicId}`);
        const account = keyAllows(template, key, ['kms:GenerateDataKey'], { account: true });
        if (keyId !== undefined && account !== null) problems.push(`${what}: ${account}`);
      }
    }
  }

  // CloudFront reads the site bucket through Origin Access Control: the bucket policy must let this distribution read.
  for (const [id, distribution] of entries.filter(([, resource]) => resource.Type === 'AWS::CloudFront::Distribution')) {
    for (const origin of list(distribution.Properties!.DistributionConfig?.Origins as Array<Record<string, unknown>>)) {
      if (origin.OriginAccessControlId === undefined) continue;
      const bucketId = (origin.DomainName as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
      if (bucketId === undefined) {
        problems.push(`CloudFront origin ${String(origin.Id)} of ${id}: not a bucket of this stack`);
        continue;
      }
      const objectArn = `arn:aws:s3:::${refOf(template, bucketId)}/index.html`;
      const policy = entries.find(([, resource]) => resource.Type === 'AWS::S3::BucketPolicy' && resourceOf(template, resource.Properties!.Bucket, 'AWS::S3::Bucket') === bucketId)?.[1];
      const statements = statementsOf(policy?.Properties?.PolicyDocument).filter((statement) => statement.Effect === 'Allow');
      const distributionArn = `arn:aws:cloudfront::${ACCOUNT}:distribution/${id}`;
      const granted = statements.some(
        (statement) =>
          allows(template, [statement], 's3:GetObject', objectArn, { service: 'cloudfront.amazonaws.com' }) &&
          Object.values(statement.Condition ?? {}).some((condition) => render(template, condition['AWS:SourceArn'] ?? condition['aws:SourceArn']) === distributionArn),
      );
      if (!granted) problems.push(`CloudFront origin ${String(origin.Id)} of ${id}: the policy of ${bucketId} does not let this distribution read it`);
    }
  }
  return problems;
}
