import { Writable } from 'node:stream';
import { createLogger } from './logger';

describe('createLogger', () => {
  it('writes JSON lines and never writes credentials or tokens', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJsecret', cookie: 'sid=secret' } },
        body: { variables: { input: { email: 'a@b.test', password: 'hunter2hunter2', refreshToken: 'rt-secret' } } },
        session: { accessToken: 'at-secret', token: 'tok-secret' },
      },
      'request',
    );
    const out = lines.join('');
    expect(JSON.parse(out).msg).toBe('request');
    for (const secret of ['eyJsecret', 'sid=secret', 'hunter2hunter2', 'rt-secret', 'at-secret', 'tok-secret']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('a@b.test');
  });
});
