import { HttpException } from '@nestjs/common';
import { unwrapResolverError } from '@apollo/server/errors';
import { isDatabaseUnavailable } from '@ruche/database';
import { DomainError, serviceUnavailable, type ErrorCode } from '@ruche/kernel';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Codes Apollo itself produces before our code runs; they are safe to pass through as they are. */
const APOLLO_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'BAD_USER_INPUT',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

export interface ErrorFormatterDeps {
  requestId: () => string | undefined;
  logUnexpected: (error: unknown, requestId: string | undefined) => void;
}

/**
 * The single mapping from what was thrown to what a client sees: our DomainErrors keep their code, message and
 * field errors; Apollo's own request errors pass through; anything else is masked with a request id and logged.
 */
export function createErrorFormatter(deps: ErrorFormatterDeps) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const thrown = unwrapResolverError(error);
    // Outside a transaction (Db converts them inside): the database could not answer in time.
    const original = isDatabaseUnavailable(thrown) ? serviceUnavailable() : thrown;
    const base = { locations: formatted.locations, path: formatted.path };

    if (original instanceof DomainError) {
      const { reason, fieldErrors, retryAfterSeconds } = original.details;
      return {
        ...base,
        message: original.message,
        extensions: {
          code: original.code,
          ...(reason && { reason }),
          ...(fieldErrors && { fieldErrors }),
          ...(retryAfterSeconds !== undefined && { retryAfter: retryAfterSeconds }),
        },
      };
    }
    if (original instanceof HttpException) {
      const code = HTTP_STATUS_CODES[original.getStatus()];
      if (code) return { ...base, message: original.message, extensions: { code } };
    }
    if (isVariableErrorLimit(original)) {
      return { ...base, message: formatted.message, extensions: { code: 'BAD_USER_INPUT' } };
    }
    const apolloCode = formatted.extensions?.code;
    if (typeof apolloCode === 'string' && APOLLO_CODES.has(apolloCode)) {
      return { ...base, message: formatted.message, extensions: { code: apolloCode } };
    }
    const requestId = deps.requestId();
    deps.logUnexpected(original, requestId);
    return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } };
  };
}

/**
 * graphql-js stops coercing variables after 50 errors by throwing (the others are returned), so Apollo does
 * not mark it as the client's: it is, like the 50 before it.
 */
function isVariableErrorLimit(error: unknown): boolean {
  return error instanceof GraphQLError && /^Too many errors processing variables/.test(error.message);
}
