import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
/** `<per person>/<per IP>` requests per minute, e.g. `30/300`. */
const rateLimit = z
  .string()
  .regex(/^\d{1,9}\/\d{1,9}$/, 'must be <per person>/<per IP> per minute, e.g. 30/300')
  .transform((v) => {
    const [perPerson, perIp] = v.split('/').map(Number) as [number, number];
    return { perPerson, perIp };
  })
  .refine((l) => l.perPerson > 0 && l.perIp > 0, 'both limits must be positive');

/**
 * Every environment variable the product reads. `.env.example` documents each one; keep both in step.
 * This file and `loadConfig` are the only readers of `process.env`.
 */
export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().default('0.0.0.0'),
    PORT: port.default(3000),
    PUBLIC_URL: z.url().optional(),
    CORS_ORIGINS: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATA_DIR: z.string().default('.data'),

    DATABASE_URL: z.url().optional(),
    DATABASE_APP_URL: z.url().optional(),
    DATABASE_APP_PASSWORD: z.string().min(16, 'must be at least 16 characters').optional(),
    EMBEDDED_PG_PORT: port.default(54329),
    DB_POOL_SIZE: positiveInt.max(200).default(10),
    DB_STATEMENT_TIMEOUT_MS: positiveInt.default(5000),
    REQUEST_TIMEOUT_MS: positiveInt.default(10000),
    DB_CONNECT_TIMEOUT_MS: positiveInt.default(3000),
    DB_MIGRATE_ON_START: bool.optional(),
    REDIS_URL: z.url().optional(),

    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_ISSUER: z.string().min(1).default('ruche'),
    JWT_AUDIENCE: z.string().min(1).default('ruche-api'),
    ACCESS_TOKEN_TTL_SECONDS: positiveInt.max(3600).default(900),
    REFRESH_TOKEN_TTL_DAYS: positiveInt.max(90).default(30),
    EMAIL_VERIFICATION_TTL_HOURS: positiveInt.default(48),

    ARGON2_MEMORY_KIB: positiveInt.default(19456),
    ARGON2_TIME_COST: positiveInt.default(2),
    ARGON2_PARALLELISM: positiveInt.default(1),

    REALTIME_RELAY: bool.optional(),
    JOBS: z.enum(['in-process', 'off']).default('in-process'),
    // A cron schedule: 0 (off), a divisor of an hour, or whole hours that divide a day (see cronEvery).
    DIGEST_INTERVAL_MINUTES: z.coerce
      .number()
      .int()
      .min(0)
      .refine((m) => m === 0 || (m <= 60 && 60 % m === 0) || (m % 60 === 0 && m <= 1440 && 1440 % m === 0), {
        message:
          'must be 0, a divisor of 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60) or 120, 180, 240, 360, 480, 720, 1440',
      })
      .default(60),
    INVITATION_TTL_DAYS: positiveInt.max(30).default(7),
    INVITATIONS_PER_DAY: positiveInt.default(50),

    AUTH_THROTTLE_PER_MINUTE: positiveInt.optional(),
    RATE_LIMIT_POSTS: rateLimit.default({ perPerson: 30, perIp: 300 }),
    RATE_LIMIT_COMMENTS: rateLimit.default({ perPerson: 60, perIp: 600 }),
    RATE_LIMIT_REACTIONS: rateLimit.default({ perPerson: 120, perIp: 1200 }),
    RATE_LIMIT_VOTES: rateLimit.default({ perPerson: 120, perIp: 1200 }),
    RATE_LIMIT_INVITATIONS: rateLimit.default({ perPerson: 30, perIp: 300 }),
    RATE_LIMIT_SEARCH: rateLimit.default({ perPerson: 60, perIp: 600 }),
    RATE_LIMIT_UPLOADS: rateLimit.default({ perPerson: 30, perIp: 300 }),
    RATE_LIMIT_SOCKETS: rateLimit.default({ perPerson: 30, perIp: 600 }),
    LOCKOUT_THRESHOLD: positiveInt.default(5),
    LOCKOUT_WINDOW_MINUTES: positiveInt.default(15),
    LOCKOUT_BASE_MINUTES: positiveInt.default(1),
    LOCKOUT_MAX_MINUTES: positiveInt.default(60),

    MAIL_TRANSPORT: z.enum(['file', 'smtp']).optional(),
    SMTP_URL: z.url().optional(),
    MAIL_FROM: z.string().default('Ruche <no-reply@ruche.localhost>'),

    GRAPHQL_INTROSPECTION: bool.optional(),
  })
  .superRefine((env, ctx) => {
    const production = env.NODE_ENV === 'production';
    if (production && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
    }
    if (env.DATABASE_APP_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'is required with DATABASE_APP_URL (migrations run as the owner role of that database)',
      });
    }
    if (production && !env.DATABASE_APP_URL && !env.DATABASE_APP_PASSWORD) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_APP_URL'],
        message: 'is required in production (or DATABASE_APP_PASSWORD, so the API can enable the ruche_app role)',
      });
    }
    if (production && (env.ARGON2_MEMORY_KIB < 19456 || env.ARGON2_TIME_COST < 2)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ARGON2_MEMORY_KIB'],
        message: 'production needs at least the OWASP Argon2id parameters (19456 KiB, t=2)',
      });
    }
    const transport = env.MAIL_TRANSPORT ?? (production ? 'smtp' : 'file');
    if (transport === 'smtp' && !env.SMTP_URL) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'is required when mail goes through SMTP' });
    }
  });

export type Env = z.infer<typeof EnvSchema>;
