import type { TransactionalAdapter } from '@nestjs-cls/transactional';
import type { PoolClient, QueryResult } from 'pg';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { outboxWakeupOf } from './outbox-wakeup';

export interface TransactionOptions {
  /**
   * SQL sent in the same round trip as BEGIN (simple protocol, so literals only): who the transaction acts
   * for, and the proof that their session is live.
   */
  opening: string;
  /**
   * When the request's time is up (epoch ms). PostgreSQL's statement timeout normally ends a statement by then;
   * if the server does not answer at all (frozen, a network partition), the connection is dropped a moment later
   * so the request still answers SERVICE_UNAVAILABLE on time instead of waiting for the server.
   */
  deadlineAt?: number;
}

/** After the deadline, how long PostgreSQL gets to cancel the statement itself before the connection is dropped. */
const DEADLINE_GRACE_MS = 250;

/** The commit, and whether the transaction wrote outbox events (the mark `ruche_outbox_emit` leaves). */
const COMMIT = `SELECT current_setting('ruche.outbox_emitted', true) = 'on' AS emitted; COMMIT`;

/** TypeORM's own bookkeeping, so its saves inside the transaction do not open (and commit) one of their own. */
type Runner = QueryRunner & { transactionDepth: number; isTransactionActive: boolean };

/**
 * Transactions for nestjs-cls on TypeORM's pool, opened with one round trip: `BEGIN; <opening>` (TypeORM's
 * own adapter sends START TRANSACTION, then the acting user, then the session check: three), and committed
 * with one that also tells whether the relay has events to publish (`OutboxWakeup`). A query
 * after the transaction ended (a branch of a failed Promise.all still running) fails on its own instead of
 * reaching the next request's connection.
 */
export class RucheTransactionAdapter implements TransactionalAdapter<DataSource, EntityManager, TransactionOptions> {
  connectionToken = DataSource;

  optionsFactory = (dataSource: DataSource) => ({
    wrapWithTransaction: async <T>(
      options: TransactionOptions,
      fn: () => Promise<T>,
      setTx: (tx?: EntityManager) => void,
    ): Promise<T> => {
      const runner = dataSource.createQueryRunner() as Runner;
      let broken: unknown;
      let guard: NodeJS.Timeout | undefined;
      try {
        const client = (await runner.connect()) as PoolClient;
        if (options.deadlineAt !== undefined) {
          guard = setTimeout(
            () => {
              broken = new Error('Connection terminated: the request deadline passed with no answer from PostgreSQL');
              // Pending statements fail with "Connection terminated unexpectedly" (SERVICE_UNAVAILABLE).
              (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
            },
            Math.max(0, options.deadlineAt - Date.now()) + DEADLINE_GRACE_MS,
          );
        }
        await client.query(`BEGIN; ${options.opening}`).catch(async (error: unknown) => {
          await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
          throw error;
        });
        runner.isTransactionActive = true;
        runner.transactionDepth = 1;
        setTx(runner.manager);
        let result: T;
        try {
          result = await fn();
        } catch (error) {
          await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
          throw error;
        }
        const [mark] = (await client.query(COMMIT).catch(async (error: unknown) => {
          await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
          throw error;
        })) as unknown as [QueryResult<{ emitted: boolean }>, QueryResult];
        if (mark.rows[0].emitted) outboxWakeupOf(dataSource).committed();
        return result;
      } catch (error) {
        // A connection that failed mid-transaction (terminated, timed out) is not given back to the pool.
        broken ??= isConnectionError(error) ? error : undefined;
        throw error;
      } finally {
        clearTimeout(guard);
        runner.isTransactionActive = false;
        runner.transactionDepth = 0;
        await (
          runner as unknown as { releasePostgresConnection(err?: unknown): Promise<void> }
        ).releasePostgresConnection(broken);
      }
    },
    getFallbackInstance: () => dataSource.manager,
  });
}

function isConnectionError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection is closed|ECONNRESET|not queryable/i.test(message);
}

/**
 * The database could not answer in time or at all: no connection (refused, pool wait exceeded), the statement
 * or the request's deadline passed, the server shutting down or restarting, or the connection lost under a
 * query (a query on a transaction that has already ended with such a failure included).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : '';
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === '57P01' || // admin_shutdown
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now
    code === '57014' || // query_canceled (statement_timeout)
    code === '08006' || // connection_failure
    name === 'QueryRunnerAlreadyReleasedError' ||
    // The same, from `manager.query` on a transaction whose connection was given up (PostgreSQL went away).
    name === 'QueryRunnerProviderAlreadyReleasedError' ||
    // "…connection error and is not queryable": pg's answer to a query on a connection that already failed.
    /Connection terminated|timeout exceeded when trying to connect|connection is closed|not queryable/i.test(message)
  );
}
