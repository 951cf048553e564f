import { LakeObjectError } from '../lake/lake.ts';

/**
 * Errors of the alert stages. Each names the lake key (or the channel) it is about, so a Lambda log
 * line or a dead letter says where to look. None ever contains the webhook URL: it is a secret.
 */
export class AlertError extends LakeObjectError {
  override name = 'AlertError';
}

/** An input is not what its writer promised (a missing file a manifest lists, a foreign key). */
export class AlertInputError extends AlertError {
  override name = 'AlertInputError';
}

/** One or more channels failed; the alerts they did not deliver are retried by the next invocation. */
export class AlertDeliveryError extends AlertError {
  override name = 'AlertDeliveryError';

  constructor(
    message: string,
    key: string,
    readonly failures: Array<{ channel: string; error: Error }>,
  ) {
    super(message, key, { cause: failures[0]?.error });
  }
}
