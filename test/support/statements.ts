import { Client } from 'pg';

export interface SentStatement {
  text: string;
  values: unknown[];
}

/** What runs beside requests in the test process: the outbox relay and the socket.io adapter. */
const BACKGROUND = /ruche_outbox_|pg_notify|socket_io_attachments|LISTEN/;

/** Every statement this process sends to PostgreSQL while `fn` runs, but for what runs beside requests. */
export async function statementsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; statements: SentStatement[] }> {
  const seen: SentStatement[] = [];
  const original = Client.prototype.query;
  const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: any[]) {
    const text: unknown = typeof args[0] === 'string' ? args[0] : args[0]?.text;
    const values = (typeof args[0] === 'string' ? args[1] : args[0]?.values) ?? [];
    if (typeof text === 'string' && !BACKGROUND.test(text)) seen.push({ text, values });
    return (original as any).apply(this, args);
  });
  try {
    return { result: await fn(), statements: seen };
  } finally {
    spy.mockRestore();
  }
}
