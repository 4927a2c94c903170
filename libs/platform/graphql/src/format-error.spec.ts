import { GraphQLError } from 'graphql';
import { DomainError } from '@ruche/kernel';
import { createErrorFormatter } from './format-error';

describe('createErrorFormatter', () => {
  const logged: unknown[] = [];
  const format = createErrorFormatter({ requestId: () => 'req-123', logUnexpected: (e) => logged.push(e) });
  const wrap = (original: Error) => new GraphQLError(original.message, { originalError: original, path: ['x'] });

  it('keeps a domain error code, reason and field errors', () => {
    const err = new DomainError('BAD_USER_INPUT', 'Invalid input', { fieldErrors: { email: ['bad'] }, reason: 'X' });
    const out = format({ message: err.message, path: ['x'] }, wrap(err));
    expect(out).toEqual({
      message: 'Invalid input',
      path: ['x'],
      locations: undefined,
      extensions: { code: 'BAD_USER_INPUT', reason: 'X', fieldErrors: { email: ['bad'] } },
    });
  });

  it('masks anything unexpected, with a request id, and logs it', () => {
    const secret = new Error('relation "users" does not exist at 10.0.0.5');
    const out = format(
      { message: secret.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['…'] } },
      wrap(secret),
    );
    expect(out.message).toBe('Internal server error');
    expect(out.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'req-123' });
    expect(logged).toContain(secret);
  });

  it('passes Apollo request errors through without internals', () => {
    const out = format(
      { message: 'Cannot query field "nope"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['…'] } },
      new GraphQLError('Cannot query field "nope"'),
    );
    expect(out.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it("answers graphql-js's variable error limit as the client's error, not an internal one", () => {
    const limit = new GraphQLError('Too many errors processing variables, error limit reached. Execution aborted.');
    const out = format({ message: limit.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, limit);
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('turns a lost database into SERVICE_UNAVAILABLE', () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(format({ message: down.message }, wrap(down)).extensions?.code).toBe('SERVICE_UNAVAILABLE');
  });
});
