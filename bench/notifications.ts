/**
 * The notifications part: a like → (a) the recipient's live WebSocket frame, (b) the push service
 * (web-push-testing on loopback) holding the decrypted message; p50/p99 of both over sequential
 * rounds, with the WebSocket as the reference measured in the same run. Then the push queue's
 * throughput: 100 likes to a recipient with 20 subscriptions (the most an account keeps) make
 * 2 000 deliveries, timed from the first like to the last message decrypted.
 */
import { startPushService } from '../dev/push-service.ts';
import { localConnectionString } from '../dev/paths.ts';
import { insertReadyPosts, insertUsers, signIn, sqlClient } from '../dev/seed-sql.ts';
import { toPublicId } from '../src/shared/ids.ts';
import { benchSecret, ms, postJson, table, type Stack } from './harness.ts';

type PushService = Awaited<ReturnType<typeof startPushService>>;

async function pushCall<T>(service: PushService, path: string, body: unknown): Promise<T> {
  const { data } = (await postJson(`${service.url}${path}`, body)) as unknown as { data: T };
  return data;
}

async function device(service: PushService, api: string, token: string, applicationServerKey: string) {
  const issued = await pushCall<{ endpoint: string; keys: object; clientHash: string }>(service, '/subscribe', {
    applicationServerKey,
    userVisibleOnly: 'true',
  });
  await postJson(`${api}/notifications/push-subscriptions`, issued, { Authorization: `Bearer ${token}` });
  return issued.clientHash;
}

const received = async (service: PushService, clientHash: string) =>
  (await pushCall<{ messages: string[] }>(service, '/get-notifications', { clientHash })).messages.length;

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

export async function benchNotifications(stack: Stack): Promise<void> {
  const service = await startPushService();
  try {
    await measure(stack, service);
  } finally {
    await service.close();
  }
}

async function measure(stack: Stack, service: PushService): Promise<void> {
  const sql = sqlClient(localConnectionString, stack.db.sqlEndpoint);
  const api = `${stack.url}/api/v1`;
  const stamp = Date.now().toString(36);
  const { vapidPublicKey } = ((await (await fetch(`${api}/instance`)).json()) as { data: { vapidPublicKey: string } })
    .data;
  const rounds = 30;
  const [recipient] = await insertUsers(sql, `n${stamp}_`, 1);
  const likers = await insertUsers(sql, `l${stamp}_`, rounds);
  const [post] = await insertReadyPosts(sql, [String(recipient)], 1, 0);
  const postId = toPublicId('post', String(post));
  const [recipientToken, ...likerTokens] = await signIn(sql, benchSecret, [String(recipient), ...likers]);
  const clientHash = await device(service, api, recipientToken!, vapidPublicKey);

  let frames = 0;
  let lastFrameAt = 0;
  const socket = new WebSocket(
    `${stack.url.replace(/^http/, 'ws')}/api/v1/notifications/stream?token=${recipientToken}`,
    ['lumen.notifications.v1'],
  );
  socket.addEventListener('message', () => ((frames += 1), (lastFrameAt = performance.now())));
  await new Promise(
    (resolve, reject) => (socket.addEventListener('open', resolve), socket.addEventListener('error', reject)),
  );

  console.log(`\n== notifications: like → WebSocket frame and → push service (decrypted), ${rounds} rounds ==`);
  const ws: number[] = [];
  const push: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const [framesBefore, pushesBefore] = [frames, await received(service, clientHash)];
    const start = performance.now();
    await postJson(`${api}/posts/${postId}/like`, {}, { Authorization: `Bearer ${likerTokens[i]}` });
    let pushedAt = 0;
    await until(async () => {
      if (!pushedAt && (await received(service, clientHash)) > pushesBefore) pushedAt = performance.now();
      return pushedAt > 0 && frames > framesBefore;
    }, 30_000);
    ws.push(lastFrameAt - start);
    push.push(pushedAt - start);
  }
  socket.close();
  const [w, p] = [percentiles(ws), percentiles(push)];
  table([
    { path: 'like → WebSocket frame (reference)', p50: ms(w.p50), p99: ms(w.p99) },
    { path: 'like → push service, decrypted', p50: ms(p.p50), p99: ms(p.p99) },
  ]);
  console.log(`push / WebSocket: p50 ${(p.p50 / w.p50).toFixed(2)}x, p99 ${(p.p99 / w.p99).toFixed(2)}x`);

  await burst(sql, service, api, stamp, vapidPublicKey);
}

async function burst(
  sql: ReturnType<typeof sqlClient>,
  service: PushService,
  api: string,
  stamp: string,
  vapidPublicKey: string,
): Promise<void> {
  const devices = 20;
  const likes = 100;
  console.log(`\n== notifications: push queue burst, ${likes} likes × ${devices} subscriptions ==`);
  const [recipient] = await insertUsers(sql, `b${stamp}_`, 1);
  const likers = await insertUsers(sql, `k${stamp}_`, likes);
  const [post] = await insertReadyPosts(sql, [String(recipient)], 1, 0);
  const postId = toPublicId('post', String(post));
  const [recipientToken, ...likerTokens] = await signIn(sql, benchSecret, [String(recipient), ...likers]);
  const hashes: string[] = [];
  for (let i = 0; i < devices; i++) hashes.push(await device(service, api, recipientToken!, vapidPublicKey));
  const start = performance.now();
  for (let i = 0; i < likes; i += 10)
    await Promise.all(
      likerTokens
        .slice(i, i + 10)
        .map((token) => postJson(`${api}/posts/${postId}/like`, {}, { Authorization: `Bearer ${token}` })),
    );
  const liked = performance.now() - start;
  const total = devices * likes;
  let count = 0;
  await until(async () => {
    count = (await Promise.all(hashes.map((hash) => received(service, hash)))).reduce((a, b) => a + b, 0);
    return count >= total;
  }, 600_000).catch(() => console.log(`only ${count} of ${total} arrived in 10 minutes`));
  const seconds = (performance.now() - start) / 1000;
  table([
    {
      deliveries: count,
      'likes sent in': ms(liked),
      'all decrypted after': `${seconds.toFixed(1)} s`,
      'messages/s': (count / seconds).toFixed(1),
    },
  ]);
}
