import { requestId } from 'hono/request-id';
import { createRouter } from './app-env';
import { errorResponse, onError } from './error-handler';
import { notFoundOrMethodNotAllowed } from './method-not-allowed';
import { jsonBodyLimit } from './middleware/json-body-limit';
import { authRoutes } from './routes/auth';
import { feedRoutes } from './routes/feed';
import { healthRoutes } from './routes/health';
import { renderDocsPage } from './routes/meta/docs-page';
import { imageRoutes } from './routes/images';
import { avatarRoutes, mediaRoutes } from './routes/media';
import { notificationRoutes } from './routes/notifications';
import { instanceRoutes } from './routes/meta/instance';
import { photoRoutes } from './routes/photos';
import { postRoutes } from './routes/posts';
import { moderationRoutes } from './routes/moderation';
import { reportRoutes } from './routes/reports';
import { searchRoutes } from './routes/search';
import { safetyRoutes } from './routes/safety';
import { userRoutes } from './routes/users';
import { provideServices } from './services';

export const apiBasePath = '/api/v1';

const openApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'Lumen API',
    version: '1.0.0',
    description: 'Photo posts, feeds, likes, comments, follows, search and live notifications.',
  },
};

function createApiRouter() {
  const api = createRouter();
  api.use('*', provideServices);
  api.use('*', async function limitJsonBodies(c, next) {
    // Multipart uploads carry files and are limited by the upload route itself.
    if (c.req.header('Content-Type')?.startsWith('multipart/form-data')) return next();
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- Hono types `use('*')`'s context input as `any`
    return jsonBodyLimit(c, next);
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });

  const routed = api
    .route('/auth', authRoutes)
    // Before the users router, so /users/blocks and /users/mutes are not taken for a /users/{userId}.
    .route('/users', safetyRoutes)
    .route('/users', userRoutes)
    .route('/images', imageRoutes)
    .route('/posts', postRoutes)
    .route('/reports', reportRoutes)
    .route('/moderation', moderationRoutes)
    .route('/media', photoRoutes)
    .route('/', feedRoutes)
    .route('/', searchRoutes)
    .route('/', notificationRoutes)
    .route('/', healthRoutes)
    .route('/', instanceRoutes);

  api.doc31('/openapi.json', (c) => ({ ...openApiInfo, servers: [{ url: new URL(c.req.url).origin + apiBasePath }] }));
  api.get('/docs', (c) => c.html(renderDocsPage(api.getOpenAPI31Document(openApiInfo))));
  return routed;
}

export function createApp() {
  const app = createRouter();
  app.use('*', requestId());
  app.onError(onError);
  app.route(apiBasePath, createApiRouter());
  app.route('/images', mediaRoutes);
  app.route('/avatars', avatarRoutes);

  const unmatched = notFoundOrMethodNotAllowed(app);
  app.notFound((c) => errorResponse(c, unmatched(c.req.method, c.req.path)));
  return app;
}

export type App = ReturnType<typeof createApp>;

/** The /api/v1 routes with their request and response types, for typed clients (`hc<ApiRoutes>`). */
export type ApiRoutes = ReturnType<typeof createApiRouter>;
