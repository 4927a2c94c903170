import { ConfigValidationError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('runs with no environment at all, with development defaults', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.http.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.database.migrateOnStart).toBe(true);
    expect(config.mail.transport).toBe('file');
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url', JWT_SECRET: 'short', DB_POOL_SIZE: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    for (const key of ['PORT', 'DATABASE_URL', 'JWT_SECRET', 'DB_POOL_SIZE']) expect(problems).toContain(key);
  });

  it('refuses to run production without a secret, SMTP, the app database role and OWASP-strength Argon2id', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', ARGON2_MEMORY_KIB: '1024' });
    } catch (e) {
      error = e;
    }
    const problems = (error as ConfigValidationError).problems.join('\n');
    expect(problems).toContain('JWT_SECRET');
    expect(problems).toContain('SMTP_URL');
    expect(problems).toContain('ARGON2_MEMORY_KIB');
    expect(problems).toContain('DATABASE_APP_URL');
  });

  it('runs jobs in the process by default, and takes the digest interval only as an even cron schedule', () => {
    expect(loadConfig({}).jobs.mode).toBe('in-process');
    expect(loadConfig({ JOBS: 'off' }).jobs.mode).toBe('off');
    for (const minutes of ['0', '1', '15', '60', '180', '1440']) {
      expect(loadConfig({ DIGEST_INTERVAL_MINUTES: minutes }).digestIntervalMinutes).toBe(Number(minutes));
    }
    for (const env of [{ JOBS: 'worker' }, { DIGEST_INTERVAL_MINUTES: '45' }, { DIGEST_INTERVAL_MINUTES: '-5' }]) {
      expect(() => loadConfig(env)).toThrow(ConfigValidationError);
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).http.port).toBe(3000);
  });
});
