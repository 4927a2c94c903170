import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '@ruche/config';
import { createValidationPipe } from '@ruche/graphql';
import { httpLogger, PinoNestLogger } from '@ruche/observability';
import { RealtimeIoAdapter } from '@ruche/realtime';
import cookieParser from 'cookie-parser';
import { serveWebApp } from './web-app';

/** HTTP-level setup shared by `main.ts` and the test harness, so tests run the app exactly as served. */
export function configureApp(
  app: INestApplication,
  config: AppConfig & { database: { appUrl: string } },
  logger: Logger,
  webRoot?: string,
): INestApplication {
  app.useLogger(new PinoNestLogger(logger));
  app.useWebSocketAdapter(
    new RealtimeIoAdapter(app, {
      corsOrigins: config.http.corsOrigins,
      redisUrl: config.redisUrl,
      databaseUrl: config.database.appUrl,
    }),
  );
  app.use(httpLogger(logger));
  // The refresh-token cookie of browser sessions (read by refreshSession).
  app.use(cookieParser());
  serveWebApp(app, { root: webRoot, graphiql: !config.production });
  app.useGlobalPipes(createValidationPipe());
  app.enableCors({ origin: config.http.corsOrigins, credentials: true });
  return app;
}
