import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { requestIdFor } from './request-id';

/** One JSON line per HTTP request, carrying the request id that GraphQL errors also report. */
export function httpLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = requestIdFor(req);
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
    serializers: {
      // Query strings can carry one-time tokens (e-mail links): log the path only.
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url?.split('?')[0],
      }),
      // The status only: the response headers are the same on every answer, and were half of each line's cost.
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
