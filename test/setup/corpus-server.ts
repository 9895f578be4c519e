/**
 * Serves ../shared/corpus (real camera photos kept beside the repository, not in it) on loopback,
 * so tests inside workerd — which has no access to the host's files — can fetch them. When the
 * folder is absent the server is not started and corpus tests skip.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import { projectRoot } from '../../dev/paths.ts';

export const corpusRoot = join(projectRoot, '..', 'shared', 'corpus');

export async function startCorpusServer(): Promise<{ url: string; close(): Promise<void> } | null> {
  if (!existsSync(corpusRoot)) return null;
  const server = createServer((req, res) => {
    const relative = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^([/\\])+/,
      '',
    );
    const path = join(corpusRoot, relative);
    if (!path.startsWith(corpusRoot + sep) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
