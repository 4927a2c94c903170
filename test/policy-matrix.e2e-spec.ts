import { GraphQLSchemaHost } from '@nestjs/graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { POLICY_MATRIX, type MatrixRow, type Outcome } from './support/policy-matrix';
import { buildPolicyWorld, ROLES, type PolicyWorld, type Role } from './support/policy-world';

/**
 * The policy matrix (test/support/policy-matrix.ts) is the single source of who may do what: every GraphQL
 * operation × every role → ALLOW or the error code, run end to end through GraphQL on real PostgreSQL.
 * Explicit refusals are rows too: they document the boundary.
 */
describe('policy matrix', () => {
  let t: TestApp;
  let shared: PolicyWorld;
  beforeAll(async () => {
    t = await createTestApp();
    shared = await buildPolicyWorld(t);
  });
  afterAll(() => t.close());

  it('has a row for every Query and Mutation field of the schema (a new operation without one fails)', () => {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const operations = [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
      Object.keys(type?.getFields() ?? {}),
    );
    const covered = new Set(POLICY_MATRIX.map((row) => row.operation));
    expect(operations.filter((op) => !covered.has(op)).sort()).toEqual([]);
    expect([...covered].filter((op) => !operations.includes(op))).toEqual([]);
  });

  const outcomeOf = async (row: MatrixRow, world: PolicyWorld, role: Role): Promise<Outcome> => {
    const variables = await row.variables({ t, world, role });
    const token = role === 'anonymous' ? undefined : world.people[role].accessToken;
    const res = await t.gql(row.query, variables, token);
    return (res.errors?.[0]?.extensions?.code as Outcome | undefined) ?? 'ALLOW';
  };

  it.each(POLICY_MATRIX.map((row) => [`${row.operation}${row.target ? ` (${row.target})` : ''}`, row] as const))(
    '%s',
    async (_name, row) => {
      const world = row.mutates ? await buildPolicyWorld(t) : shared;
      const actual: Partial<Record<Role, Outcome>> = {};
      for (const role of ROLES) actual[role] = await outcomeOf(row, world, role);
      expect(actual).toEqual(row.expect);
    },
  );
});
