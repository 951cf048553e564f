import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { ChannelError, type Publish } from './channels.ts';

/**
 * The AWS side of delivery, behind the two small functions the channels take: publishing to the
 * alert topic, and reading the webhook URL from Parameter Store. Clients are created once per
 * container, on first use.
 */

let sns: SNSClient | undefined;
let ssm: SSMClient | undefined;

/** Publishes to an SNS topic (the alert topic; the alarm topic for the watchdog): subject ≤ 100 ASCII characters, message ≤ 256 KB. */
export function snsPublisher(topicArn: string): Publish {
  return async ({ subject, text }) => {
    sns ??= new SNSClient({});
    try {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: text }));
    } catch (error) {
      throw new ChannelError(`cannot publish to ${topicArn}: ${(error as Error).name}: ${(error as Error).message}`, 'sns', { cause: error });
    }
  };
}

/**
 * The webhook URL from a SecureString parameter, read (and decrypted) at run time: the URL is a
 * secret (it carries the bot token or the webhook's key) and never sits in the environment. A
 * missing parameter means "no webhook"; a plain String parameter is refused.
 */
export function webhookUrlFromParameter(name: string): () => Promise<string | undefined> {
  return async () => {
    ssm ??= new SSMClient({});
    try {
      const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      if (Parameter?.Type !== 'SecureString') throw new ChannelError(`parameter ${name} must be a SecureString (it is ${Parameter?.Type ?? 'empty'}): the webhook URL is a secret`, 'webhook');
      return Parameter.Value?.trim() || undefined;
    } catch (error) {
      if (error instanceof ParameterNotFound || (error as { name?: string }).name === 'ParameterNotFound') return undefined;
      if (error instanceof ChannelError) throw error;
      throw new ChannelError(`cannot read parameter ${name}: ${(error as Error).name}: ${(error as Error).message}`, 'webhook', { cause: error });
    }
  };
}
