import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@ruche/database';
import { migrations } from '@ruche/migrations';
import { cloneTestDatabase } from '@ruche/testing';

/** Every migration can be rolled back and re-applied, leaving the same schema. */
describe('migrations up → down → up', () => {
  it('round-trips to an identical schema', async () => {
    const db = await cloneTestDatabase();
    const ds = new DataSource(
      dataSourceOptions({ url: db.url, poolSize: 1, statementTimeoutMs: 0 }, { entities: [], migrations }),
    );
    const schema = async () => {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      const { rows } = await c.query(
        `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
         WHERE table_schema = 'public' ORDER BY table_name, column_name`,
      );
      await c.end();
      return rows;
    };
    try {
      await ds.initialize();
      const migrated = await schema();
      expect(migrated.length).toBeGreaterThan(0);
      for (let i = 0; i < migrations.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      expect((await schema()).filter((r) => r.table_name !== 'migrations')).toEqual([]);
      await ds.runMigrations({ transaction: 'each' });
      expect(await schema()).toEqual(migrated);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
