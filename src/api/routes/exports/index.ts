import { findOwnExport, startExport } from '../../../db/queries/exports';
import type { ExportRow } from '../../../db/schema';
import { exportKey } from '../../../shared/account-jobs';
import { notFound } from '../../../shared/errors';
import { parsePublicId, toPublicId } from '../../../shared/ids';
import { createRouter } from '../../app-env';
import { configFrom } from '../../config';
import { signedExportUrl, verifyExportUrl } from '../../export-urls';
import { viewerOf } from '../../middleware/auth';
import { downloadExport, getExport, requestExport } from './exports.routes';

/** Exports are kept this long, then the hourly sweep deletes them. */
export const exportLifetimeDays = 7;

async function exportState(row: ExportRow, downloadUrl: () => Promise<string>) {
  return {
    exportId: toPublicId('export', row.id),
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    downloadUrl: row.status === 'ready' ? await downloadUrl() : null,
    size: row.size,
  };
}

export const exportRoutes = createRouter()
  .openapi(requestExport, async (c) => {
    const { userId } = viewerOf(c);
    const { db, accountJobs } = c.var.services;
    const expiresAt = new Date(Date.now() + exportLifetimeDays * 86_400_000);
    const { row, started } = await startExport(db, userId, expiresAt);
    // A lost send leaves the export processing; the hourly sweep fails it and the owner asks again.
    if (started) await accountJobs.send({ kind: 'export-account', exportId: row.id });
    return c.json(
      { success: true as const, data: { exportId: toPublicId('export', row.id), status: 'processing' as const } },
      202,
    );
  })
  .openapi(getExport, async (c) => {
    const publicId = c.req.valid('param').exportId;
    const id = parsePublicId('export', publicId);
    const row = id && (await findOwnExport(c.var.services.db, id, viewerOf(c).userId));
    if (!row || row.expiresAt.getTime() < Date.now()) throw notFound('Export');
    const secret = configFrom(c.env).JWT_SECRET;
    const data = await exportState(row, () =>
      signedExportUrl(c.var.services.publicBaseUrl, secret, publicId, row.expiresAt),
    );
    return c.json({ success: true as const, data }, 200);
  })
  .openapi(downloadExport, async (c) => {
    const publicId = c.req.valid('param').exportId;
    if (
      !parsePublicId('export', publicId) ||
      !(await verifyExportUrl(configFrom(c.env).JWT_SECRET, publicId, c.req.valid('query')))
    )
      throw notFound('Export');
    const object = await c.var.services.images.get(exportKey(publicId));
    if (!object) throw notFound('Export');
    return new Response(object.body, {
      headers: {
        'Content-Type': 'application/zip',
        'Content-Length': String(object.size),
        'Content-Disposition': `attachment; filename="lumen-${publicId}.zip"`,
        'Cache-Control': 'private, no-store',
      },
    });
  });
