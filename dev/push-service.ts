/**
 * A real Web Push service on loopback, for the tests and the benchmark: the `web-push-testing`
 * package (express). It issues subscriptions (`POST /subscribe`), checks each push's VAPID token
 * against the subscription's application server key, decrypts the `aes128gcm` body with
 * `http_ece` and keeps the plaintext (`POST /get-notifications`); `POST /expire-subscription/:id`
 * makes it answer 410 from then on. Its endpoints are `http://localhost:<port>/notify/<id>`, which
 * only the `public-or-loopback` endpoint policy accepts.
 */
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';

interface PushTestingServer {
  startServer(): void;
  _server: Server & { closeAllConnections(): void };
}

const require = createRequire(import.meta.url);
// The package's `main` names a file it does not ship; these two are its server and model.
const WebPushTestingServer = require('web-push-testing/src/server.js') as new (
  model: unknown,
  port: number,
) => PushTestingServer;
const { PushApiModel } = require('web-push-testing/src/PushApiModel.js') as { PushApiModel: new () => unknown };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startPushService(): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const service = new WebPushTestingServer(new PushApiModel(), port);
  service.startServer();
  await new Promise<void>((resolve) => {
    if (service._server.listening) resolve();
    else service._server.once('listening', () => resolve());
  });
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        service._server.closeAllConnections();
        service._server.close(() => resolve());
      }),
  };
}
