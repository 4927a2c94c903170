export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __rucheTestDb?: { stop(): Promise<void> } }).__rucheTestDb;
  await server?.stop();
}
