import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { currentInvocation } from './lambda-runtime.ts';

/**
 * Which function touched which object of the lake, as the handlers' S3 requests go out (Node's
 * `http.client.request.start` channel; the local runtime says whose invocation a request belongs
 * to). What a deployed role must allow is exactly this: tests hold it against the IAM grants.
 */
export interface S3Access {
  functionName: string;
  /** read: GetObject or HeadObject; write: PutObject; list: ListObjectsV2 (key is the prefix). */
  kind: 'read' | 'write' | 'list';
  key: string;
}

export function recordS3Access(bucket: string, onAccess: (access: S3Access) => void): () => void {
  const listener = (message: unknown) => {
    const invocation = currentInvocation.getStore();
    if (invocation === undefined) return;
    const request = (message as { request: ClientRequest }).request;
    const url = new URL(request.path, 'http://s3.invalid');
    const path = decodeURIComponent(url.pathname);
    // Path-style requests, as the local lake makes them: /<bucket>/<key>.
    if (!path.startsWith(`/${bucket}`)) return;
    const key = path.slice(bucket.length + 2);
    if (request.method === 'PUT') onAccess({ functionName: invocation.functionName, kind: 'write', key });
    else if (url.searchParams.has('list-type')) onAccess({ functionName: invocation.functionName, kind: 'list', key: url.searchParams.get('prefix') ?? '' });
    else if (request.method === 'GET' || request.method === 'HEAD') onAccess({ functionName: invocation.functionName, kind: 'read', key });
  };
  subscribe('http.client.request.start', listener);
  return () => unsubscribe('http.client.request.start', listener);
}
