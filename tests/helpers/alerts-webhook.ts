import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got. */
export interface Receipt {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

/**
 * A real webhook receiver on 127.0.0.1 for the alert tests: records every request and answers
 * with what `respond` says (200 by default), so a test can make it fail, rate-limit or recover.
 */
export async function startWebhookReceiver(respond: (receipt: Receipt, index: number) => { status: number; headers?: Record<string, string>; body?: string } = () => ({ status: 200 })) {
  const receipts: Receipt[] = [];
  const answered: number[] = [];
  let answer = respond;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      const receipt: Receipt = { path: request.url ?? '', headers: request.headers, body, json };
      const { status, headers, body: reply } = answer(receipt, receipts.length);
      receipts.push(receipt);
      answered.push(status);
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(reply ?? (status < 300 ? '{"ok":true}' : '{"ok":false,"description":"failing on purpose"}'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** A URL with a secret-looking path, like a Telegram bot's or a Discord webhook's. */
    url: `http://127.0.0.1:${port}/bot123456:SECRET-token/sendMessage?chat_id=-100200300`,
    receipts,
    /** Receipts the receiver answered with a 2xx. */
    accepted: () => receipts.filter((_, index) => answered[index]! < 300),
    respondWith(next: typeof respond) {
      answer = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
