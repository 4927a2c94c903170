import { createTestApp, type TestApp } from './support/test-app';

describe('health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('reports the process live and the database ready', async () => {
    const live = await t.http().get('/health/live');
    expect(live.status).toBe(200);
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.database.status).toBe('up');
  });

  it('echoes a request id for tracing', async () => {
    const res = await t.http().get('/health/live');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
