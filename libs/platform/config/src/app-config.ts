import { isAbsolute, resolve } from 'node:path';
import { EnvSchema } from './env.schema';

/** Typed, validated configuration. Inject `AppConfig`; never read `process.env` elsewhere. */
export class AppConfig {
  readonly env!: 'development' | 'test' | 'production';
  readonly production!: boolean;
  readonly http!: { host: string; port: number; publicUrl: string; corsOrigins: string[] };
  readonly logLevel!: string;
  readonly dataDir!: string;
  readonly database!: {
    /** Owner role: runs migrations. */
    url: string | undefined;
    /** The unprivileged `ruche_app` role the API serves requests with (row-level security applies to it). */
    appUrl: string | undefined;
    appPassword: string | undefined;
    embeddedPort: number;
    poolSize: number;
    statementTimeoutMs: number;
    /** A request's deadline: its SQL is cancelled past it, and it answers SERVICE_UNAVAILABLE. */
    requestTimeoutMs: number;
    /** Longest wait for a pooled connection. */
    connectTimeoutMs: number;
    migrateOnStart: boolean;
  };
  readonly redisUrl!: string | undefined;
  readonly jwt!: {
    secret: string | undefined;
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
  };
  readonly sessions!: { refreshTtlDays: number; emailVerificationTtlHours: number };
  readonly invitations!: { ttlDays: number; perInviterPerDay: number };
  /** How often the notification digest job looks for people due their daily e-mail; 0 turns it off. */
  readonly digestIntervalMinutes!: number;
  /** `in-process`: this process runs the background jobs (and sends them); `off`: it only sends them. */
  readonly jobs!: { mode: 'in-process' | 'off' };
  /** Whether this process may run the outbox relay (one process at a time does, by an advisory lock). */
  readonly realtime!: { relay: boolean };
  readonly argon2!: { memoryKib: number; timeCost: number; parallelism: number };
  readonly signInProtection!: {
    throttlePerMinute: number;
    lockoutThreshold: number;
    lockoutWindowMinutes: number;
    lockoutBaseMinutes: number;
    lockoutMaxMinutes: number;
  };
  /**
   * Requests per minute per person and per client IP for each abuse-prone action (RATE_LIMIT_*), counted in Redis
   * when REDIS_URL is set (one budget for every process), in this process's memory otherwise.
   */
  readonly rateLimits!: Record<RateLimitBucket, { perPerson: number; perIp: number }>;
  readonly mail!: { transport: 'file' | 'smtp'; smtpUrl: string | undefined; from: string };
  readonly graphql!: { introspection: boolean };
}

export const RATE_LIMIT_BUCKETS = [
  'posts',
  'comments',
  'reactions',
  'votes',
  'invitations',
  'search',
  'uploads',
  'sockets',
] as const;
export type RateLimitBucket = (typeof RATE_LIMIT_BUCKETS)[number];

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates the whole environment at once and reports every bad variable, not just the first. */
export function loadConfig(source: Record<string, string | undefined>): AppConfig {
  // Empty strings mean "unset" (docker-compose and .env files produce them).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigValidationError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const config: AppConfig = {
    env: e.NODE_ENV,
    production,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl,
      corsOrigins: (e.CORS_ORIGINS ?? publicUrl)
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    },
    logLevel: e.LOG_LEVEL,
    dataDir: isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(process.cwd(), e.DATA_DIR),
    database: {
      url: e.DATABASE_URL,
      appUrl: e.DATABASE_APP_URL,
      appPassword: e.DATABASE_APP_PASSWORD,
      embeddedPort: e.EMBEDDED_PG_PORT,
      poolSize: e.DB_POOL_SIZE,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
      migrateOnStart: e.DB_MIGRATE_ON_START ?? !production,
    },
    redisUrl: e.REDIS_URL,
    jwt: {
      secret: e.JWT_SECRET,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    },
    sessions: { refreshTtlDays: e.REFRESH_TOKEN_TTL_DAYS, emailVerificationTtlHours: e.EMAIL_VERIFICATION_TTL_HOURS },
    digestIntervalMinutes: e.DIGEST_INTERVAL_MINUTES,
    jobs: { mode: e.JOBS },
    realtime: { relay: e.REALTIME_RELAY ?? true },
    invitations: { ttlDays: e.INVITATION_TTL_DAYS, perInviterPerDay: e.INVITATIONS_PER_DAY },
    argon2: { memoryKib: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_TIME_COST, parallelism: e.ARGON2_PARALLELISM },
    signInProtection: {
      // Lenient outside production so local demos and scripted tests from one IP are not throttled.
      throttlePerMinute: e.AUTH_THROTTLE_PER_MINUTE ?? (production ? 20 : 300),
      lockoutThreshold: e.LOCKOUT_THRESHOLD,
      lockoutWindowMinutes: e.LOCKOUT_WINDOW_MINUTES,
      lockoutBaseMinutes: e.LOCKOUT_BASE_MINUTES,
      lockoutMaxMinutes: e.LOCKOUT_MAX_MINUTES,
    },
    rateLimits: {
      posts: e.RATE_LIMIT_POSTS,
      comments: e.RATE_LIMIT_COMMENTS,
      reactions: e.RATE_LIMIT_REACTIONS,
      votes: e.RATE_LIMIT_VOTES,
      invitations: e.RATE_LIMIT_INVITATIONS,
      search: e.RATE_LIMIT_SEARCH,
      uploads: e.RATE_LIMIT_UPLOADS,
      sockets: e.RATE_LIMIT_SOCKETS,
    },
    mail: { transport: e.MAIL_TRANSPORT ?? (production ? 'smtp' : 'file'), smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    graphql: { introspection: e.GRAPHQL_INTROSPECTION ?? !production },
  };
  return Object.freeze(config);
}
