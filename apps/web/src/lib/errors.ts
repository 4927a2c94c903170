import { CombinedGraphQLErrors } from '@apollo/client';

/** What the UI needs from a failed operation: the code, a message, field errors and a retry delay. */
export interface UiError {
  code: string;
  message: string;
  fieldErrors: Record<string, string[]>;
  retryAfter?: number;
  /** The server's finer-grained reason (e.g. WRONG_EMAIL, POLICY_VERSION_CHANGED), when it gives one. */
  reason?: string;
}

export function toUiError(error: unknown): UiError | null {
  if (!error) return null;
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const ext = (first?.extensions ?? {}) as {
      code?: string;
      fieldErrors?: Record<string, string[]>;
      retryAfter?: number;
      reason?: string;
    };
    return {
      code: ext.code ?? 'INTERNAL_SERVER_ERROR',
      message: first?.message ?? 'Error',
      fieldErrors: ext.fieldErrors ?? {},
      retryAfter: ext.retryAfter,
      reason: ext.reason,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'NETWORK_ERROR', message, fieldErrors: {} };
}

/** The first error of one form field, for `errorMessage` of a text field. */
export function fieldError(error: UiError | null, field: string): string | undefined {
  return error?.fieldErrors[field]?.[0];
}
