/**
 * The closed set of error codes clients may see in `extensions.code` (PRODUCT.md). Apollo adds its own
 * (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, INTERNAL_SERVER_ERROR…).
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'CONSENT_REQUIRED',
  'SERVICE_UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Field path → messages, for forms. */
export type FieldErrors = Record<string, string[]>;

/**
 * An expected outcome the client can act on. `reason` is a stable, finer-grained identifier
 * (e.g. EMAIL_TAKEN) that never reveals more than the message does.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { reason?: string; fieldErrors?: FieldErrors; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what = 'Resource') => new DomainError('NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'You are not allowed to do this', reason?: string) =>
  new DomainError('FORBIDDEN', message, { reason });
export const unauthenticated = (message = 'Authentication required', reason?: string) =>
  new DomainError('UNAUTHENTICATED', message, { reason });
export const conflict = (message: string, reason?: string) => new DomainError('CONFLICT', message, { reason });
export const badInput = (fieldErrors: FieldErrors, message = 'Invalid input') =>
  new DomainError('BAD_USER_INPUT', message, { fieldErrors });
export const rateLimited = (retryAfterSeconds: number, message = 'Too many attempts, try again later') =>
  new DomainError('RATE_LIMITED', message, { retryAfterSeconds });
/** The database cannot answer in time (no connection, deadline passed, stopped): retry shortly. */
export const serviceUnavailable = (retryAfterSeconds = 1) =>
  new DomainError('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable, try again shortly', {
    retryAfterSeconds,
  });
export const consentRequired = (
  message = 'Consent to the current participation policy of this space is required',
  reason = 'CONSENT_REQUIRED',
) => new DomainError('CONSENT_REQUIRED', message, { reason });

/**
 * Turns a policy decision into its error (ALLOW passes). NOT_FOUND carries the same message whether the
 * object is missing or hidden, so an answer never tells them apart.
 */
export function enforce(decision: 'ALLOW' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONSENT_REQUIRED', what: string): void {
  switch (decision) {
    case 'ALLOW':
      return;
    case 'NOT_FOUND':
      throw notFound(what);
    case 'FORBIDDEN':
      throw forbidden();
    case 'CONSENT_REQUIRED':
      throw consentRequired();
  }
}
