/** Asking for an account's export and waiting for it, through the API as the owner would. */
import { expect } from 'vitest';
import { call, callJson } from './api';
import type { TestUser } from './factories';

export interface ExportState {
  exportId: string;
  status: 'processing' | 'ready' | 'failed';
  downloadUrl: string | null;
  size: number | null;
  expiresAt: string;
}

export async function requestExport(user: TestUser): Promise<string> {
  const { status, body } = await callJson<{ exportId: string }>('/api/v1/users/profile/export', {
    method: 'POST',
    token: user.accessToken,
  });
  expect(status).toBe(202);
  return body.data.exportId;
}

export async function waitUntilExported(user: TestUser, exportId: string, timeoutMs = 30_000): Promise<ExportState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await callJson<ExportState>(`/api/v1/users/profile/export/${exportId}`, {
      token: user.accessToken,
    });
    expect(status).toBe(200);
    if (body.data.status !== 'processing') return body.data;
    if (Date.now() > deadline) throw new Error(`export ${exportId} still processing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function download(url: string) {
  const { pathname, search } = new URL(url);
  const response = await call(`${pathname}${search}`);
  return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) };
}
