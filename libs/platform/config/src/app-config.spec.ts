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

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).http.port).toBe(3000);
  });
});
