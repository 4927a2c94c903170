import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type ErrorCode } from '@ruche/kernel';

const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  CONSENT_REQUIRED: 403,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * Expected outcomes are not server errors: GraphQL hands them to the error formatter untouched (and Nest does
 * not log them as failures); REST routes answer with the matching HTTP status and the same code.
 */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost) {
    if (host.getType<string>() !== 'http') return error;
    const res = host.switchToHttp().getResponse<Response>();
    const { retryAfterSeconds, fieldErrors, reason } = error.details;
    if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
    res.status(HTTP_STATUS[error.code]).json({ code: error.code, message: error.message, reason, fieldErrors });
  }
}
