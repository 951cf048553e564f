/**
 * The AWS credentials of a deployed function, in place of the SDK's default provider chain.
 *
 * The bundles (esbuild.config.cjs) resolve `@aws-sdk/credential-provider-node` to this module.
 * That chain also reads shared config files, SSO, credential processes and web identity tokens, and
 * carries the STS, SSO and sign-in clients to do so: ~125 KB of every bundle that Node compiles at
 * every cold start (~20 ms of its import, docs/performance.md), for sources a Lambda function
 * never has. Lambda hands a function its role's credentials in the environment; a container
 * credentials endpoint is kept for runtimes that serve them that way. Local tools run the sources,
 * not the bundles, and keep the SDK's full chain (profiles, SSO).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import { chain, CredentialsProviderError, memoize } from '@smithy/core/config';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

const CONTAINER_URIS = ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] as const;

/** Refreshed five minutes before they expire, as the SDK's own chain does. */
const REFRESH_MARGIN_MS = 300_000;

const expires = (credentials: AwsCredentialIdentity) => credentials.expiration !== undefined;
const nearExpiry = (credentials: AwsCredentialIdentity) => credentials.expiration !== undefined && credentials.expiration.getTime() - Date.now() < REFRESH_MARGIN_MS;

/** Same name and shape as the SDK's `defaultProvider`, which the clients' runtime configuration calls. */
export function defaultProvider(init: Parameters<typeof fromHttp>[0] = {}): AwsCredentialIdentityProvider {
  const fromContainer: AwsCredentialIdentityProvider = async () => {
    if (!CONTAINER_URIS.some((name) => process.env[name])) {
      throw new CredentialsProviderError(
        'no AWS credentials: this bundle is built for AWS Lambda, which sets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the function role, and neither those nor a container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI) is set',
        { tryNextLink: false },
      );
    }
    return fromHttp(init)();
  };
  return memoize(chain(fromEnv(init), fromContainer), nearExpiry, expires);
}
