import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { io, type Socket } from 'socket.io-client';
import { createTestApp, type TestApp } from './support/test-app';
import { codeOf, signedIn, signUp, type Person } from './support/identity';
import { createOrganization, createSpace, customerOf, employeeOf } from './support/spaces';
import { buildPolicyWorld, type PolicyWorld } from './support/policy-world';
import {
  LEAK_PATTERNS,
  harvest,
  hostileString,
  operationArb,
  rootFields,
  type FuzzOperation,
  type IdPools,
} from './support/fuzz';

/**
 * The schema-driven fuzzer: random operations with hostile arguments, as anonymous, a customer, an employee, a
 * manager and an admin of one organization, against ids of a second one. Whatever comes in, the server answers
 * without INTERNAL_SERVER_ERROR, stack frames or SQL, writes nothing for a refused mutation and never shows the
 * second organization's names. Then the REST routes and the socket. Fixed seed and ~60 s by default;
 * `npm run fuzz` runs long with a random seed (FUZZ_RUNS, FUZZ_SEED). docs/security.md, "Input".
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 1717);
const LONG = process.env.FUZZ_RUNS !== undefined;
// The second organization's names all carry it: it must never appear in the first one's answers.
const MARKER = `Zyqx${randomUUID().slice(0, 6)}`;

const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }`;
const ADD_COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;
const CREATE_CAMPAIGN = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }`;
const CREATE_ACCOUNT = `mutation($input: CreateCustomerAccountInput!) { createCustomerAccount(input: $input) { customerAccount { id } } }`;

/** Main tables: a refused mutation must leave every one of them as it was (rows and contents). */
const WATCHED_TABLES = [
  'organizations',
  'organization_domains',
  'organization_memberships',
  'customer_accounts',
  'spaces',
  'space_memberships',
  'invitations',
  'consent_records',
  'campaigns',
  'posts',
  'post_revisions',
  'comments',
  'post_reactions',
  'idea_votes',
  'idea_status_changes',
  'uploads',
  'reports',
  'space_suspensions',
  'objectives',
  'kpis',
  'kpi_values',
  'effort_logs',
];
const FINGERPRINT_SQL = WATCHED_TABLES.map(
  (table) =>
    `SELECT '${table}' AS t, count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${table} x`,
).join(' UNION ALL ');

type Role = 'anonymous' | 'customer' | 'employee' | 'manager' | 'admin';
const ROLES: Role[] = ['anonymous', 'customer', 'employee', 'manager', 'admin'];

interface Finding {
  what: string;
  detail: string;
  /** The operation, to replay it. */
  op?: FuzzOperation;
}

describe('fuzz: no input crashes the server', () => {
  let t: TestApp;
  let url: string;
  let world: PolicyWorld;
  let people: Record<Exclude<Role, 'anonymous'>, Person>;
  let foreignSpace: string;
  const pools: IdPools = { own: [], foreign: [], cursors: [] };
  const findings: Finding[] = [];

  const must = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await t.gql(query, variables, token);
    if (res.errors) throw new Error(`${query.slice(0, 50)}: ${JSON.stringify(res.errors)}`);
    return res.data!;
  };
  const fingerprint = async () =>
    (await t.sql.query(FINGERPRINT_SQL)).rows.map((r: { t: string; n: number; h: string }) => `${r.t}:${r.n}:${r.h}`);

  /** What no answer may ever contain, wherever it comes from. */
  function check(where: string, status: number, text: string, role: Role | 'socket' = 'anonymous', op?: FuzzOperation) {
    const report = (what: string) => findings.push({ what: `${where}: ${what}`, detail: text.slice(0, 3000), op });
    if (status >= 500) report(`HTTP ${status}`);
    if (text.includes('INTERNAL_SERVER_ERROR')) report('INTERNAL_SERVER_ERROR');
    for (const pattern of LEAK_PATTERNS) if (pattern.test(text)) report(`leaks ${pattern}`);
    if (role !== 'anonymous' && text.includes(MARKER)) report("shows the other organization's data");
  }

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    world = await buildPolicyWorld(t);
    const p = world.people;
    people = { customer: p.customerOfA, employee: p.employee, manager: p.manager, admin: p.admin };
    // Some content of the first organization, so that ids and cursors reach real rows.
    const post = await must(
      CREATE_POST,
      { input: { spaceId: world.spaces.hybridA, title: 'Roadmap', body: 'Ideas welcome', kind: 'IDEA', tags: ['q3'] } },
      p.employee.accessToken,
    );
    await must(ADD_COMMENT, { input: { postId: post.createPost.post.id, body: 'Nice' } }, p.customerOfA.accessToken);
    await must(
      CREATE_CAMPAIGN,
      {
        input: { spaceId: world.spaces.hybridA, title: 'Q3', question: 'What next?', deadline: '2999-01-01T00:00:00Z' },
      },
      world.owner.accessToken,
    );
    // The second organization, whose every name carries the marker.
    const other = await createOrganization(t, `${MARKER} Corp`);
    foreignSpace = (await createSpace(t, other.owner, other, { kind: 'HYBRID', name: `${MARKER} lounge` })).id;
    const foreignInternal = (await createSpace(t, other.owner, other, { kind: 'INTERNAL', name: `${MARKER} hq` })).id;
    const foreignEmployee = await employeeOf(t, other, 'Other Employee');
    const foreignCustomer = await customerOf(t, other.owner, foreignSpace, 'Other Customer');
    const foreignPost = await must(
      CREATE_POST,
      { input: { spaceId: foreignSpace, title: `${MARKER} secret plan`, body: `${MARKER} body`, kind: 'IDEA' } },
      foreignEmployee.accessToken,
    );
    const foreignComment = await must(
      ADD_COMMENT,
      { input: { postId: foreignPost.createPost.post.id, body: `${MARKER} comment` } },
      foreignCustomer.accessToken,
    );
    const foreignCampaign = await must(
      CREATE_CAMPAIGN,
      {
        input: {
          spaceId: foreignSpace,
          title: `${MARKER} campaign`,
          question: 'Why?',
          deadline: '2999-01-01T00:00:00Z',
        },
      },
      other.owner.accessToken,
    );
    const foreignAccount = await must(
      CREATE_ACCOUNT,
      { input: { organizationId: other.id, name: `${MARKER} Ltd` } },
      other.owner.accessToken,
    );
    pools.foreign.push(
      other.id,
      foreignSpace,
      foreignInternal,
      foreignEmployee.id,
      foreignCustomer.id,
      other.owner.id,
      foreignPost.createPost.post.id,
      foreignComment.addComment.comment.id,
      foreignCampaign.createCampaign.campaign.id,
      foreignAccount.createCustomerAccount.customerAccount.id,
    );
    pools.own.push(world.org.id, ...Object.values(world.spaces), ...Object.values(p).map((person) => person.id));
    // Cursors of real pages, to be replayed and mangled.
    const page = await t.gql(
      `query { feed(first: 1) { pageInfo { endCursor } } spaces(first: 1) { pageInfo { endCursor } } }`,
      {},
      p.admin.accessToken,
    );
    harvest(page.data, pools);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  afterEach(() => {
    // One finding per distinct problem, with its first answer: enough to reproduce with the seed.
    const distinct = [...new Map(findings.map((f) => [f.what, f])).values()];
    findings.length = 0;
    if (distinct.length) {
      mkdirSync('test-output', { recursive: true });
      const name = expect.getState().currentTestName!.replace(/\W+/g, '-').slice(0, 60);
      writeFileSync(`test-output/fuzz-findings-${name}.json`, JSON.stringify(distinct, null, 2));
    }
    // The answers themselves (and the operations, to replay them) are in test-output/fuzz-findings-*.json.
    expect(distinct.map((f) => f.what.slice(0, 500))).toEqual([]);
  });

  async function send(role: Role, op: FuzzOperation) {
    const token = role === 'anonymous' ? undefined : people[role].accessToken;
    const req = t.http().post('/graphql').set('content-type', 'application/json');
    if (token) req.set('authorization', `Bearer ${token}`);
    const res = await req.send({ query: op.query, variables: op.variables });
    return { status: res.status, text: res.text, body: res.body as { data?: unknown; errors?: unknown[] } };
  }

  it(`GraphQL: ${RUNS} random operations with hostile arguments, as five roles (seed ${SEED})`, async () => {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const arbs = (['query', 'mutation'] as const).flatMap((kind) =>
      rootFields(schema, kind, ['signOut']).map((field) => operationArb(kind, field, pools)),
    );
    const stats: Record<string, number> = {};
    let before = await fingerprint();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROLES), fc.oneof(...arbs), async (role, op) => {
        const res = await send(role, op);
        const where = `${role} ${op.kind} ${op.field} ${JSON.stringify(op.variables).slice(0, 3000)}`;
        check(where, res.status, res.text, role, op);
        const code = codeOf(res.body as { errors?: { extensions: Record<string, any> }[] }) ?? 'OK';
        stats[code] = (stats[code] ?? 0) + 1;
        if (role !== 'anonymous') harvest(res.body?.data, pools);
        if (code === 'UNAUTHENTICATED' && role !== 'anonymous') people[role] = await signedIn(t, people[role]);
        if (op.kind === 'mutation') {
          const after = await fingerprint();
          // Refused: an error on the mutation itself or on the request. An error deeper down (a field of the
          // payload, nulling it on its way up) comes after the mutation ran.
          const errors = (res.body?.errors ?? []) as { path?: unknown[] }[];
          const refused = errors.some((e) => !e.path || e.path.length === 1);
          if (refused) {
            const changed = after.filter((row) => !before.includes(row)).map((row) => row.split(':')[0]);
            if (changed.length)
              findings.push({ what: `${where}: refused but wrote ${changed.join(', ')}`, detail: res.text });
          }
          before = after;
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // Coverage at a glance (how many answers of each code), and the seed to replay them.
    console.log(`fuzz seed ${SEED}, answers by code: ${JSON.stringify(stats)}`);
    expect(Object.keys(stats).length).toBeGreaterThan(2);
  }, 600_000);

  it('GraphQL: NUL and friends in the fields of the issue answer BAD_USER_INPUT naming the field', async () => {
    const { employee } = people;
    const cases: [string, Record<string, unknown>, string, Person | undefined][] = [
      [CREATE_POST, { input: { spaceId: world.spaces.internal, title: 'a\u0000b', body: 'x' } }, 'title', employee],
      [CREATE_POST, { input: { spaceId: world.spaces.internal, title: 'ok', body: 'a\u0000b' } }, 'body', employee],
      [
        CREATE_POST,
        { input: { spaceId: world.spaces.internal, title: 'ok', body: 'x', tags: ['\ud800'] } },
        'tags',
        employee,
      ],
      [CREATE_POST, { input: { spaceId: world.spaces.internal, title: 'two\nlines', body: 'x' } }, 'title', employee],
      [ADD_COMMENT, { input: { postId: pools.own[0], body: 'nul \u0000 here' } }, 'body', employee],
      [`query($q: String!) { search(query: $q, first: 5) { edges { cursor } } }`, { q: 'a\u0000' }, 'query', employee],
      [`query($id: ID!) { node(id: $id) { id } }`, { id: '\u0000' }, 'id', employee],
      [`query($a: String) { feed(first: 5, after: $a) { edges { cursor } } }`, { a: '\u0000' }, 'after', employee],
      [
        `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
        {
          input: { email: `${randomUUID()}@example.test`, password: 'correct horse battery', displayName: 'Jo\u0000' },
        },
        'displayName',
        undefined,
      ],
      [
        `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
        {
          input: { email: `${randomUUID()}@example.test`, password: 'correct horse battery', displayName: 'P\u0430ul' },
        },
        'displayName',
        undefined,
      ],
      [
        `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
        {
          input: { email: `${randomUUID()}@example.test`, password: 'correct horse battery', displayName: 'Eve\u202e' },
        },
        'displayName',
        undefined,
      ],
      [
        `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }`,
        { input: { name: 'Acme\u0000' } },
        'name',
        employee,
      ],
    ];
    for (const [query, variables, field, by] of cases) {
      const res = await t.gql(query, variables, by?.accessToken);
      expect([field, codeOf(res)]).toEqual([field, 'BAD_USER_INPUT']);
      expect(Object.keys(res.errors![0].extensions.fieldErrors ?? {})).toContain(field);
    }
    // Multi-line text keeps its line breaks; names are stored in NFC.
    const ok = await t.gql(
      CREATE_POST,
      { input: { spaceId: world.spaces.internal, title: 'ok', body: 'two\nlines\r\n\tand a tab' } },
      employee.accessToken,
    );
    expect(ok.errors).toBeUndefined();
    const decomposed = await signUp(t, { displayName: 'Ame\u0301lie' });
    const me = await t.gql(`query { me { displayName } }`, {}, decomposed.accessToken);
    expect(me.data!.me.displayName).toBe('Amélie');
  });

  it('REST: malformed and hostile bodies, query strings, prototype keys and upload polyglots', async () => {
    const token = people.admin.accessToken;
    const raw = async (body: string, type = 'application/json') => {
      const res = await t
        .http()
        .post('/graphql')
        .set('content-type', type)
        .set('authorization', `Bearer ${token}`)
        .send(body);
      check(`POST /graphql ${type} ${body.slice(0, 80)}`, res.status, res.text, 'admin');
      return res.status;
    };
    for (const body of [
      '{',
      '{"query": ',
      'null',
      '[]',
      '"query"',
      '{"query": 1}',
      '{"query": "{ me { id } }", "variables": "x"}',
      '{"query": "{ me { id } }", "variables": [1]}',
      '{"__proto__": {"query": "{ me { id } }"}, "query": "{ __typename }"}',
      '{"query": "query($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }", "variables": {"i": {"name": "x", "__proto__": {"emailDomains": ["evil.test"]}}}}',
      '{"constructor": {"prototype": {"admin": true}}, "query": "{ __typename }"}',
      '{"query": "{ __typename }", "operationName": {"__proto__": 1}}',
      `{"query": "${'{ me { id } }'.repeat(20_000)}"}`,
      `{"query": "{ __typename }", "pad": "${'x'.repeat(200_000)}"}`,
      '{"query": "{ __typename }"}\u0000',
    ]) {
      await raw(body);
    }
    expect(await raw('{ me { id } }', 'text/plain')).toBeLessThan(500);
    expect(({} as Record<string, unknown>).admin).toBeUndefined(); // nothing reached Object.prototype

    // The CSV export: random query strings as every role, arrays and prototype keys included.
    // Bytes as sent, so lone surrogates (CESU-8), overlong NUL and stray bytes arrive undecodable.
    const percentEncode = (v: string) =>
      v.startsWith('%') ? v : [...Buffer.from(v, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    const queryValue = fc.oneof(
      hostileString().map((v) => v.slice(0, 2000)),
      fc.constantFrom(
        world.org.id,
        pools.foreign[0],
        '2024-01-01',
        '2024-02-30',
        '%ED%A0%80',
        '%C0%80',
        '%FF',
        '%00',
        '%',
      ),
    );
    const queryString = fc
      .array(
        fc.tuple(
          fc.constantFrom(
            'organizationId',
            'spaceId',
            'from',
            'to',
            'granularity',
            'segment',
            '__proto__[x]',
            'constructor',
            'from[]',
            'x',
          ),
          queryValue,
        ),
        { maxLength: 6 },
      )
      .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${percentEncode(v)}`).join('&'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROLES), queryString, async (role, qs) => {
        const req = t.http().get(`/exports/engagement.csv?${qs}`);
        if (role !== 'anonymous') req.set('authorization', `Bearer ${people[role].accessToken}`);
        const res = await req;
        check(`GET /exports/engagement.csv?${qs} as ${role}`, res.status, res.text, role);
      }),
      { numRuns: LONG ? RUNS : 60, seed: SEED, endOnFailure: true },
    );

    // Uploads: polyglots and broken images, odd field names, several files; then reading with hostile ids.
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const files: [string, Buffer][] = [
      ['gif-js.gif', Buffer.from('GIF89a/*\u0000\u0000*/=1;alert(document.domain)//')],
      ['png-html.png', Buffer.concat([png, Buffer.from('<html><script>alert(1)</script></html>')])],
      ['svg.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
      ['zip.jpg', Buffer.from('504b0304140000000800', 'hex')],
      ['empty.png', Buffer.alloc(0)],
      ['jpeg-head.jpg', Buffer.from('ffd8ffe000104a46494600', 'hex')],
      ['nul\u0000name.png', png],
    ];
    for (const [name, bytes] of files) {
      const res = await t.http().post('/uploads').set('authorization', `Bearer ${token}`).attach('file', bytes, name);
      check(`POST /uploads ${name}`, res.status, res.text, 'admin');
      expect(res.status).toBe(400);
    }
    const twoFiles = await t
      .http()
      .post('/uploads')
      .set('authorization', `Bearer ${token}`)
      .attach('file', png, 'a.png')
      .attach('file', png, 'b.png');
    check('POST /uploads two files', twoFiles.status, twoFiles.text, 'admin');
    const otherField = await t
      .http()
      .post('/uploads')
      .set('authorization', `Bearer ${token}`)
      .attach('other', png, 'a.png');
    check('POST /uploads other field', otherField.status, otherField.text, 'admin');
    const notMultipart = await t.http().post('/uploads').set('authorization', `Bearer ${token}`).send({ file: 'x' });
    check('POST /uploads json', notMultipart.status, notMultipart.text, 'admin');
    for (const id of ['x', '%00', '..%2f..%2fetc%2fpasswd', '%ED%A0%80', pools.foreign[0], 'a'.repeat(3000)]) {
      for (const w of ['', '?w=320', '?w=-1', '?w=1e9', '?w[]=320', '?w=%00']) {
        const res = await t.http().get(`/uploads/${id}${w}`).set('authorization', `Bearer ${token}`);
        check(`GET /uploads/${id.slice(0, 40)}${w}`, res.status, res.text, 'admin');
      }
    }
    for (const path of ['/health/live?x=%00', '/health/ready', '/graphql?query=%00', '/%00', '/uploads']) {
      const res = await t.http().get(path).set('authorization', `Bearer ${token}`);
      check(`GET ${path}`, res.status, res.text, 'admin');
    }
  }, 120_000);

  it('socket: floods, unknown events, foreign rooms, hostile and 200 kB payloads', async () => {
    const sockets: Socket[] = [];
    const connect = (token: string) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = io(`${url}/rt`, { auth: { token }, transports: ['websocket'], reconnection: false });
        sockets.push(socket);
        socket.on('connect', () => resolve(socket));
        socket.on('connect_error', reject);
      });
    try {
      const [employee, customer] = await Promise.all([
        connect(people.employee.accessToken),
        connect(people.customer.accessToken),
      ]);
      const received: string[] = [];
      for (const s of [employee, customer])
        s.onAny((event: string, ...args: unknown[]) => received.push(`${event} ${JSON.stringify(args)}`));
      const ask = async (socket: Socket, event: string, body: unknown) => {
        const ack = await socket.timeout(5000).emitWithAck(event, body);
        check(`socket ${event} ${JSON.stringify(body)?.slice(0, 200)}`, 200, JSON.stringify(ack), 'socket');
        return ack as { ok: boolean; code?: string };
      };
      // Other tenants' rooms, and this tenant's rooms the customer may not enter, answer NOT_FOUND.
      for (const spaceId of [foreignSpace, ...pools.foreign, world.spaces.internal, world.spaces.privateInternal]) {
        const ack = await ask(customer, 'subscribe', { spaceId });
        expect(ack.ok).toBe(false);
        expect(['NOT_FOUND', 'BAD_USER_INPUT']).toContain(ack.code);
      }
      const short = hostileString().map((v) => v.slice(0, 1000));
      const payload = fc.oneof(
        short,
        fc.constantFrom(null, undefined, 0, -1, 1e308, true, [], 'x'.repeat(10_000)),
        fc.record(
          {
            spaceId: fc.oneof(short, fc.constantFrom(world.spaces.hybridA, foreignSpace, ...pools.foreign)),
            since: fc.oneof(fc.integer(), fc.constantFrom(1e300, -1, 2 ** 63, 'NaN', '1', null, 1.5)),
            postId: short,
            token: short,
            pad: fc.constantFrom('', 'x'.repeat(10_000)),
          },
          { requiredKeys: [] },
        ),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('subscribe', 'unsubscribe', 'resume', 'typing', 'auth:refresh'),
          payload,
          async (event, body) => {
            const ack = await ask(employee, event, body);
            expect(typeof ack.ok).toBe('boolean');
          },
        ),
        { numRuns: LONG ? RUNS : 60, seed: SEED, endOnFailure: true },
      );
      // Unknown events (no handler, no answer) and a flood past the rate limit: refused, never a crash.
      for (const event of ['nope', '__proto__', 'constructor', 'presence', 'post:created', ''])
        employee.emit(event, { x: 1 });
      const flood = await Promise.all(
        Array.from(
          { length: 150 },
          () => employee.timeout(5000).emitWithAck('resume', { since: 0 }) as Promise<{ code?: string }>,
        ),
      );
      expect(flood.some((ack) => ack.code === 'RATE_LIMITED')).toBe(true);
      expect(employee.connected).toBe(true);
      for (const line of received) check('socket event', 200, line, 'socket');
      // Over the transport's message limit (16 kB): that socket is closed, nobody else is affected.
      const big = await connect(people.employee.accessToken);
      const closed = new Promise<string>((resolve) => big.on('disconnect', resolve));
      big.emit('subscribe', { spaceId: world.spaces.hybridA, pad: 'x'.repeat(200_000) });
      expect(await closed).toBe('transport close');
      expect((await ask(customer, 'resume', { since: 0 })).ok).toBe(true);
      expect(received.join('\n')).not.toContain(MARKER);
      // Still serving.
      const me = await t.gql(`query { me { id } }`, {}, people.employee.accessToken);
      expect(me.errors).toBeUndefined();
    } finally {
      for (const s of sockets) s.disconnect();
    }
  }, 120_000);
});
