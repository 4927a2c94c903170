import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '@ruche/config';
import { createValidationPipe } from '@ruche/graphql';
import { httpLogger, PinoNestLogger } from '@ruche/observability';

/** HTTP-level setup shared by `main.ts` and the test harness, so tests run the app exactly as served. */
export function configureApp(app: INestApplication, config: AppConfig, logger: Logger): INestApplication {
  app.useLogger(new PinoNestLogger(logger));
  app.use(httpLogger(logger));
  app.useGlobalPipes(createValidationPipe());
  app.enableCors({ origin: config.http.corsOrigins, credentials: true });
  return app;
}
