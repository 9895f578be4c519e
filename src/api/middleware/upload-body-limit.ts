import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../../shared/errors';
import { limits } from '../../shared/limits';

/**
 * Multipart photo uploads: the file limit plus a megabyte for the form's other fields, refused
 * while streaming, before the whole body is read.
 */
export const uploadBodyLimit = bodyLimit({
  maxSize: limits.upload.maxBytes + 1024 * 1024,
  onError: () => {
    throw new ApiError('PAYLOAD_TOO_LARGE', `Photos are limited to ${limits.upload.maxBytes / 1024 / 1024} MiB`, {
      details: { maxBytes: limits.upload.maxBytes },
    });
  },
});
