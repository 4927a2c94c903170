import { ApolloLink } from '@apollo/client';
import { useCallback, useRef } from 'react';

/**
 * Sends `Idempotency-Key` for an operation whose context carries `idempotencyKey`: the server then creates at most
 * one thing per key and answers a repeat with the first answer (docs/api.md, Idempotent writes).
 */
export const idempotencyLink = new ApolloLink((operation, forward) => {
  const key = (operation.getContext() as { idempotencyKey?: unknown }).idempotencyKey;
  if (typeof key === 'string' && key) {
    operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({
      headers: { ...headers, 'Idempotency-Key': key },
    }));
  }
  return forward(operation);
});

function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One key per submission of a form: `context(variables)` gives the mutation's context; a double click or a retry
 * of the same submission (same variables, no success yet) reuses the key, so the server creates one thing.
 * Changed content is another submission (a new key), and so is anything sent after `succeeded()`.
 */
export function useSubmissionKey() {
  const current = useRef<{ key: string; variables: string } | null>(null);
  const context = useCallback((variables: unknown) => {
    const serialized = JSON.stringify(variables);
    if (current.current?.variables !== serialized) current.current = { key: newKey(), variables: serialized };
    return { idempotencyKey: current.current.key };
  }, []);
  const succeeded = useCallback(() => {
    current.current = null;
  }, []);
  return { context, succeeded };
}
