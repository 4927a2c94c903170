import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { createClient } from 'redis';

/**
 * One atomic step per hit (a fixed window per key): a running block answers blocked at once; otherwise the hit
 * is counted only below the limit, the window starts with its first hit, and going over starts a block when a
 * block duration is given. Returns [hits, ms left in the window, blocked (0|1), ms left in the block].
 */
const HIT = `
local block = KEYS[1] .. ':block'
local blockLeft = redis.call('PTTL', block)
if blockLeft > 0 then return {tonumber(ARGV[2]) + 1, blockLeft, 1, blockLeft} end
local ttl = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local blockFor = tonumber(ARGV[3])
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
if hits >= limit and blockFor <= 0 then
  local left = redis.call('PTTL', KEYS[1])
  return {hits + 1, left, 1, left}
end
hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ttl) end
local left = redis.call('PTTL', KEYS[1])
if hits > limit and blockFor > 0 then
  redis.call('SET', block, '1', 'PX', blockFor)
  return {hits, left, 1, blockFor}
end
return {hits, left, 0, 0}
`;

/**
 * Throttler counters in Redis, so every API and gateway process spends one budget. If Redis cannot answer (down,
 * reconnecting), the hit is allowed and a warning logged: limits protect against abuse, they must not take the
 * product down with Redis. Keys live under `ruche:rl:` and expire with their window.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly log = new Logger('RedisThrottlerStorage');
  private readonly client;
  private readonly connected: Promise<unknown>;
  private lastWarning = 0;

  constructor(url: string) {
    this.client = createClient({ url, disableOfflineQueue: true });
    this.client.on('error', () => undefined); // reconnects by itself; hits fail open meanwhile
    this.connected = this.client.connect().catch((error: unknown) => this.warn(error));
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      await this.connected;
      const [totalHits, left, blocked, blockLeft] = (await this.client.eval(HIT, {
        keys: [`ruche:rl:${throttlerName}:${key}`],
        arguments: [String(ttl), String(limit), String(blockDuration)],
      })) as [number, number, number, number];
      return {
        totalHits,
        timeToExpire: Math.max(1, Math.ceil(left / 1000)),
        isBlocked: blocked === 1,
        timeToBlockExpire: blocked === 1 ? Math.max(1, Math.ceil(blockLeft / 1000)) : 0,
      };
    } catch (error) {
      this.warn(error);
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connected;
    if (this.client.isOpen) await this.client.close().catch(() => undefined);
  }

  private warn(error: unknown): void {
    if (Date.now() - this.lastWarning < 60_000) return;
    this.lastWarning = Date.now();
    this.log.warn({ err: error }, 'rate limit counters unavailable: allowing requests until Redis answers');
  }
}
