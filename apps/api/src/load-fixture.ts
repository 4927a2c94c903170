import { Algorithm, hash } from '@node-rs/argon2';
import type { Client } from 'pg';
import { CONTENT_DEFAULTS, insertContent } from './load-content';

/**
 * The analytics performance fixture (`npm run seed:load`, `npm run bench:analytics`): one organization with
 * about 2,000 people (employees and the customers of a few companies), 200 spaces with their members, and
 * years of sparse engagement: about 15 % of people active on a given day, each in a few of their spaces with a
 * few views and contributions. People and spaces are inserted with plain SQL (a load fixture, not the demo:
 * nothing goes through the services); events go through `ruche_analytics_ingest` in large batches (the real
 * ingestion) or, with `via: 'copy'`, COPY into `engagement_events` and then `ruche_analytics_rebuild()`.
 */

export const LOAD_ORGANIZATION = 'Ruche load fixture';
export const LOAD_DOMAIN = 'load.ruche.test';
export const LOAD_MANAGER_EMAIL = `manager@${LOAD_DOMAIN}`;
export const LOAD_PASSWORD = 'ruche-load-password';
/** Share of people active on a given day, on average. */
export const DAILY_ACTIVE = 0.15;
const DAY_MS = 86_400_000;
const COMPANIES = ['Velo Fleet', 'Northwind Rail', 'Atlas Logistics', 'Blue Harbor', 'Cobalt Motors', 'Delta Rentals'];

export interface LoadOptions {
  events: number;
  people: number;
  spaces: number;
  /** Days of history ending yesterday; by default as many as 15 % daily activity needs for `events`. */
  days?: number;
  seed: number;
  via: 'ingest' | 'copy';
  /** Events per `ruche_analytics_ingest` call. */
  batch: number;
  /** Rebuild even when a fixture with these options is already there. */
  force?: boolean;
  /** Posts over the last 180 days, with comments and reactions (load-content.ts); 0 for none. */
  posts: number;
  comments: number;
  reactions: number;
}

export const LOAD_DEFAULTS: LoadOptions = {
  events: 10_000_000,
  people: 2_000,
  spaces: 200,
  seed: 1,
  via: 'ingest',
  batch: 10_000,
  posts: CONTENT_DEFAULTS.posts,
  comments: CONTENT_DEFAULTS.comments,
  reactions: CONTENT_DEFAULTS.reactions,
};

export interface LoadResult {
  created: boolean;
  organizationId: string;
  events: number;
  people: number;
  spaces: number;
  days: number;
  firstDay: string;
  lastDay: string;
  via: LoadOptions['via'];
  posts: number;
  comments: number;
  reactions: number;
  /** Seconds spent writing events (generation included), and the rebuild's share for `copy`. */
  eventSeconds: number;
  contentSeconds: number;
  rebuildSeconds: number;
  totalSeconds: number;
}

// ---------------------------------------------------------------------------------------------------------
// the people and spaces model

/** mulberry32: a small seeded generator, so a seed gives the same fixture. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex8 = (r: () => number) =>
  Math.floor(r() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
/** A version-4 UUID drawn from `r`. */
export function uuidOf(r: () => number): string {
  const a = hex8(r);
  const b = hex8(r);
  const c = hex8(r);
  const d = hex8(r);
  const variant = ((parseInt(c[0], 16) & 0x3) | 0x8).toString(16);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

interface Membership {
  spaceIndex: number;
  /** The actor kind the event carries in this space (ruche_actor_facts). */
  kind: 'EMPLOYEE' | 'CUSTOMER' | 'STAFF';
  weight: number;
}

export interface LoadPerson {
  id: string;
  email: string;
  name: string;
  orgRole: 'OWNER' | 'ADMIN' | 'MANAGER' | 'MEMBER' | 'CUSTOMER';
  company: number | null;
  /** Chance of being active on an average day. */
  propensity: number;
  memberships: Membership[];
}

export interface LoadModel {
  organizationId: string;
  companies: { id: string; name: string; domain: string }[];
  spaces: {
    id: string;
    name: string;
    kind: 'INTERNAL' | 'HYBRID';
    visibility: 'OPEN' | 'PRIVATE';
    popularity: number;
    /** Ids the events' subjects are drawn from (the fixture has no posts: the rollups do not need them). */
    posts: string[];
  }[];
  people: LoadPerson[];
}

/** Picks an index with probability proportional to `weights`. */
function pick(r: () => number, weights: number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = r() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** `n` distinct indexes drawn by weight. */
function pickDistinct(r: () => number, weights: number[], n: number): number[] {
  const w = [...weights];
  const out: number[] = [];
  for (let k = 0; k < n && k < w.length; k++) {
    const i = pick(r, w);
    out.push(i);
    w[i] = 0;
  }
  return out;
}

/**
 * The organization, deterministic for a seed: 85 % employees (an owner, admins, managers), 15 % customers of
 * six companies of uneven size; a quarter of the spaces hybrid; popular spaces draw more members and more
 * activity; each space has an owner and a moderator (STAFF there). Activity propensity is skewed (most people
 * rarely active, a few daily) with a mean of 15 %.
 */
export function modelOf(options: Pick<LoadOptions, 'people' | 'spaces' | 'seed'>): LoadModel {
  const r = rng(options.seed);
  const organizationId = uuidOf(r);
  const companies = COMPANIES.map((name) => ({
    id: uuidOf(r),
    name,
    domain: `${name.toLowerCase().replace(/\W+/g, '-')}.${LOAD_DOMAIN}`,
  }));
  const hybrid = Math.max(1, Math.round(options.spaces / 4));
  const spaces = Array.from({ length: options.spaces }, (_, i) => ({
    id: uuidOf(r),
    name: `${i < hybrid ? 'Community' : 'Team'} ${String(i + 1).padStart(3, '0')}`,
    kind: (i < hybrid ? 'HYBRID' : 'INTERNAL') as 'INTERNAL' | 'HYBRID',
    visibility: (r() < 0.15 ? 'OPEN' : 'PRIVATE') as 'OPEN' | 'PRIVATE',
    // Zipf-like: a few spaces get most of the traffic.
    popularity: 1 / Math.pow(1 + ((i * 7919) % options.spaces), 0.8),
    posts: Array.from({ length: 64 }, () => uuidOf(r)),
  }));
  const customers = Math.round(options.people * 0.15);
  const employees = options.people - customers;
  const companyWeights = COMPANIES.map((_, i) => 1 / (i + 1));
  const people: LoadPerson[] = [];
  for (let i = 0; i < options.people; i++) {
    const customer = i >= employees;
    const company = customer ? pick(r, companyWeights) : null;
    const orgRole = customer ? 'CUSTOMER' : i === 0 ? 'OWNER' : i <= 2 ? 'ADMIN' : i <= 7 ? 'MANAGER' : 'MEMBER';
    const email =
      i === 3 ? LOAD_MANAGER_EMAIL : customer ? `c${i}@${companies[company!].domain}` : `p${i}@${LOAD_DOMAIN}`;
    // Exponential with mean 15 %, capped: most people rarely, a few nearly every day.
    const propensity = Math.min(0.9, -Math.log(1 - r()) * DAILY_ACTIVE);
    const eligible = spaces.map((s) => (customer && s.kind !== 'HYBRID' ? 0 : s.popularity));
    const count = customer ? 1 + Math.floor(r() * 3) : 3 + Math.floor(-Math.log(1 - r()) * 5);
    const memberships = pickDistinct(r, eligible, count).map((spaceIndex) => ({
      spaceIndex,
      kind: (customer ? 'CUSTOMER' : 'EMPLOYEE') as Membership['kind'],
      weight: spaces[spaceIndex].popularity * (0.5 + r()),
    }));
    people.push({
      id: uuidOf(r),
      email,
      name: `${customer ? 'Customer' : 'Employee'} ${i}`,
      orgRole,
      company,
      propensity,
      memberships,
    });
  }
  // An owner and a moderator per space, among its employee members (or any employee).
  for (let s = 0; s < spaces.length; s++) {
    for (let k = 0; k < 2; k++) {
      const staff = people[Math.floor(r() * employees)];
      const m = staff.memberships.find((x) => x.spaceIndex === s);
      if (m) m.kind = 'STAFF';
      else staff.memberships.push({ spaceIndex: s, kind: 'STAFF', weight: spaces[s].popularity * 0.5 });
    }
  }
  return { organizationId, companies, spaces, people };
}

// ---------------------------------------------------------------------------------------------------------
// events

export interface LoadEvent {
  day: string;
  occurredAt: string;
  spaceId: string;
  actorId: string;
  actorKind: string;
  customerAccountId: string | null;
  type: 'POST' | 'IDEA' | 'COMMENT' | 'REACTION' | 'VOTE' | 'VIEW';
  subjectId: string;
  dedupe: string | null;
  eventId: string;
}

// Contributions of an active person in a space, by type (reactions and comments most, ideas fewest).
const CONTRIBUTION_TYPES = ['REACTION', 'COMMENT', 'VOTE', 'POST', 'IDEA'] as const;
const CONTRIBUTION_WEIGHTS = [40, 25, 20, 10, 5];

/**
 * The events of one day, `factor` scaling everyone's chance of being active (weekends are quieter). An
 * active person visits a few of their spaces (2 on average, popular ones first), views a few posts in
 * each (4 on average) and contributes one or two times per space.
 */
export function dayEvents(
  model: LoadModel,
  day: string,
  r: () => number,
  counters: { event: number; view: number },
): LoadEvent[] {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  // Mean 1 over a week: 5 weekdays at f, 2 weekend days at 0.4 f.
  const factor = weekday === 0 || weekday === 6 ? 0.483 : 1.207;
  const start = Date.parse(`${day}T00:00:00Z`);
  const out: LoadEvent[] = [];
  for (const p of model.people) {
    if (r() >= p.propensity * factor || p.memberships.length === 0) continue;
    const visits = Math.min(p.memberships.length, 1 + Math.floor(-Math.log(1 - r()) * 1.5));
    const spaces = pickDistinct(
      r,
      p.memberships.map((m) => m.weight),
      visits,
    );
    for (const i of spaces) {
      const m = p.memberships[i];
      const space = model.spaces[m.spaceIndex];
      const subject = () => space.posts[Math.floor(r() * space.posts.length)];
      const base = {
        day,
        spaceId: space.id,
        actorId: p.id,
        actorKind: m.kind,
        customerAccountId: p.company === null ? null : model.companies[p.company].id,
      };
      // Working hours, mostly.
      const at = () => new Date(start + (7 + r() * 12) * 3_600_000 + Math.floor(r() * 60_000)).toISOString();
      const views = 1 + Math.floor(-Math.log(1 - r()) * 3.5);
      for (let v = 0; v < views; v++) {
        out.push({
          ...base,
          occurredAt: at(),
          type: 'VIEW',
          subjectId: subject(),
          dedupe: String(++counters.view),
          eventId: String(++counters.event),
        });
      }
      const contributions = Math.floor(-Math.log(1 - r()) * 2);
      for (let c = 0; c < contributions; c++) {
        const type = CONTRIBUTION_TYPES[pick(r, CONTRIBUTION_WEIGHTS)];
        out.push({
          ...base,
          occurredAt: at(),
          type,
          subjectId: subject(),
          dedupe: null,
          eventId: String(++counters.event),
        });
      }
    }
  }
  return out;
}

/** Mean events of an active person-day, measured on a sample (for the default number of days). */
export function eventsPerActiveDay(model: LoadModel, seed: number): number {
  const r = rng(seed ^ 0x5eed);
  const counters = { event: 0, view: 0 };
  let events = 0;
  let active = 0;
  for (let d = 0; d < 14; d++) {
    const day = new Date(Date.UTC(2025, 0, 6 + d)).toISOString().slice(0, 10);
    const list = dayEvents(model, day, r, counters);
    events += list.length;
    active += new Set(list.map((e) => e.actorId)).size;
  }
  return active ? events / active : 1;
}

export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `ruche_analytics_ingest`'s input, written by hand: JSON.stringify of objects is the slow part at 10M. */
export function ingestJson(organizationId: string, events: LoadEvent[]): string {
  const parts = events.map(
    (e) =>
      `{"day":"${e.day}","occurred_at":"${e.occurredAt}","organization_id":"${organizationId}","space_id":"${e.spaceId}",` +
      `"actor_id":"${e.actorId}","actor_kind":"${e.actorKind}","customer_account_id":${e.customerAccountId ? `"${e.customerAccountId}"` : 'null'},` +
      `"type":"${e.type}","subject_id":"${e.subjectId}","dedupe":${e.dedupe ?? 'null'},"event_id":${e.eventId}}`,
  );
  return `[${parts.join(',')}]`;
}

function copyText(organizationId: string, events: LoadEvent[]): string {
  let s = '';
  for (const e of events) {
    s += `${e.day}\t${e.occurredAt}\t${organizationId}\t${e.spaceId}\t${e.actorId}\t${e.actorKind}\t${e.customerAccountId ?? '\\N'}\t${e.type}\t${e.subjectId}\t${e.dedupe ?? '\\N'}\t${e.eventId}\n`;
  }
  return s;
}

/**
 * COPY … FROM STDIN over node-postgres's connection, without a dependency: `next()` gives the text chunks
 * (undefined when done). The same protocol steps pg-copy-streams takes.
 */
interface CopyConnection {
  query(sql: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

function copyFrom(client: Client, sql: string, next: () => string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    let error: unknown = null;
    const submittable = {
      submit(connection: CopyConnection) {
        connection.query(sql);
      },
      handleCopyInResponse(connection: CopyConnection) {
        for (let chunk = next(); chunk !== undefined; chunk = next()) connection.sendCopyFromChunk(Buffer.from(chunk));
        connection.endCopyFrom();
      },
      handleCommandComplete() {},
      handleReadyForQuery() {
        if (error) reject(error);
        else resolve();
      },
      handleError(e: unknown) {
        error = e;
      },
    };
    (client as unknown as { query(submittable: object): void }).query(submittable);
  });
}

// ---------------------------------------------------------------------------------------------------------
// writing it

/** The rollups `ruche_analytics_ingest` keeps and `ruche_analytics_rebuild` recomputes. */
export const ROLLUPS = [
  'engagement_daily',
  'engagement_person_daily',
  'engagement_org_person_daily',
  'engagement_space_people',
];

async function removeFixture(client: Client, log: (m: string) => void): Promise<void> {
  const [org] = (await client.query(`SELECT id FROM organizations WHERE name = $1`, [LOAD_ORGANIZATION])).rows;
  if (org) {
    const others = (await client.query(`SELECT 1 FROM engagement_daily WHERE organization_id <> $1 LIMIT 1`, [org.id]))
      .rows.length;
    // Alone in the analytics tables (the usual case): TRUNCATE instead of deleting millions of rows.
    if (others) {
      for (const t of ['engagement_events', ...ROLLUPS]) {
        await client.query(`DELETE FROM ${t} WHERE organization_id = $1`, [org.id]);
      }
    } else {
      await client.query(`TRUNCATE engagement_events, ${ROLLUPS.join(', ')}`);
    }
    const otherPosts = (await client.query(`SELECT 1 FROM posts WHERE organization_id <> $1 LIMIT 1`, [org.id])).rows
      .length;
    // Millions of posts go faster by TRUNCATE than by the organization's cascade.
    if (!otherPosts) await client.query(`TRUNCATE posts CASCADE`);
    await client.query(`DELETE FROM organizations WHERE id = $1`, [org.id]);
    log('removed the previous load fixture');
  }
  await client.query(`DELETE FROM users WHERE email LIKE $1 OR email LIKE $2`, [
    `%@${LOAD_DOMAIN}`,
    `%.${LOAD_DOMAIN}`,
  ]);
}

/** The fixture's people, companies and spaces, inserted set-wise. */
async function insertPeopleAndSpaces(client: Client, model: LoadModel): Promise<void> {
  const created = new Date(Date.now() - 4000 * DAY_MS).toISOString();
  const unusable = '!'; // nobody signs in with this hash…
  const managerHash = await hash(LOAD_PASSWORD, { algorithm: Algorithm.Argon2id }); // …but the manager
  await client.query(`INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)`, [
    model.organizationId,
    LOAD_ORGANIZATION,
    created,
  ]);
  await client.query(`INSERT INTO organization_domains (domain, organization_id) VALUES ($1, $2)`, [
    LOAD_DOMAIN,
    model.organizationId,
  ]);
  await client.query(
    `INSERT INTO customer_accounts (id, organization_id, name, domain, created_at)
     SELECT unnest($2::uuid[]), $1, unnest($3::text[]), unnest($4::text[]), $5`,
    [
      model.organizationId,
      model.companies.map((c) => c.id),
      model.companies.map((c) => c.name),
      model.companies.map((c) => c.domain),
      created,
    ],
  );
  const p = model.people;
  await client.query(
    `INSERT INTO users (id, email, email_verified_at, password_hash, display_name, created_at, updated_at)
     SELECT id, email, $4, CASE WHEN email = $5 THEN $6 ELSE $7 END, name, $4, $4
     FROM unnest($1::uuid[], $2::text[], $3::text[]) AS x(id, email, name)`,
    [
      p.map((x) => x.id),
      p.map((x) => x.email),
      p.map((x) => x.name),
      created,
      LOAD_MANAGER_EMAIL,
      managerHash,
      unusable,
    ],
  );
  await client.query(
    `INSERT INTO organization_memberships (organization_id, user_id, role, customer_account_id, created_at, updated_at)
     SELECT $1, id, role, account, $5, $5 FROM unnest($2::uuid[], $3::text[], $4::uuid[]) AS x(id, role, account)`,
    [
      model.organizationId,
      p.map((x) => x.id),
      p.map((x) => x.orgRole),
      p.map((x) => (x.company === null ? null : model.companies[x.company].id)),
      created,
    ],
  );
  const s = model.spaces;
  await client.query(
    `INSERT INTO spaces (id, organization_id, name, kind, visibility, created_by, created_at, updated_at)
     SELECT id, $1, name, kind, visibility, $6, $7, $7
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS x(id, name, kind, visibility)`,
    [
      model.organizationId,
      s.map((x) => x.id),
      s.map((x) => x.name),
      s.map((x) => x.kind),
      s.map((x) => x.visibility),
      p[0].id,
      created,
    ],
  );
  const rows = p.flatMap((person) =>
    person.memberships.map((m) => ({
      space: s[m.spaceIndex].id,
      user: person.id,
      // The first staff member of a space owns it, the others moderate.
      role: m.kind === 'CUSTOMER' ? 'CUSTOMER' : m.kind === 'STAFF' ? 'STAFF' : 'MEMBER',
      account: person.company === null ? null : model.companies[person.company].id,
    })),
  );
  await client.query(
    `INSERT INTO space_memberships (space_id, user_id, role, customer_account_id, created_at, updated_at)
     SELECT space, usr, CASE WHEN role = 'STAFF'
                             THEN CASE WHEN row_number() OVER (PARTITION BY space, role ORDER BY usr) = 1 THEN 'OWNER' ELSE 'MODERATOR' END
                             ELSE role END,
            account, $5, $5
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[]) AS x(space, usr, role, account)`,
    [rows.map((x) => x.space), rows.map((x) => x.user), rows.map((x) => x.role), rows.map((x) => x.account), created],
  );
}

/** Days of history that give about `events` at 15 % daily activity. */
export function defaultDays(model: LoadModel, options: Pick<LoadOptions, 'events' | 'seed'>): number {
  const perDay = model.people.length * DAILY_ACTIVE * eventsPerActiveDay(model, options.seed);
  return Math.max(1, Math.ceil(options.events / perDay));
}

/**
 * Generates events day by day from yesterday backwards until `events` (the recent days are whole, the
 * oldest may be partial) and hands them to `write` in chunks of about `batch`.
 */
async function generate(
  model: LoadModel,
  options: LoadOptions,
  days: number,
  write: (events: LoadEvent[]) => Promise<void>,
  log: (m: string) => void,
): Promise<{ events: number; firstDay: string; lastDay: string }> {
  const r = rng(options.seed * 7919 + 17);
  const counters = { event: 0, view: 0 };
  const last = Date.parse(`${isoDay(Date.now() - DAY_MS)}T00:00:00Z`);
  let pending: LoadEvent[] = [];
  let total = 0;
  let first = last;
  let reported = 0;
  // With --days, the history stops there; otherwise it goes on until `events` (the estimate is only a start).
  for (let d = 0; total < options.events && (options.days === undefined || d < days); d++) {
    first = last - d * DAY_MS;
    let list = dayEvents(model, isoDay(first), r, counters);
    if (total + list.length > options.events) list = list.slice(0, options.events - total);
    total += list.length;
    for (const e of list) pending.push(e);
    if (pending.length >= options.batch) {
      await write(pending);
      pending = [];
    }
    if (total - reported >= 1_000_000) {
      reported = total;
      log(`${total.toLocaleString('en')} events written`);
    }
  }
  if (pending.length) await write(pending);
  return { events: total, firstDay: isoDay(first), lastDay: isoDay(last) };
}

/** What the fixture currently holds (null when it is not there). */
export async function fixtureState(client: Client) {
  const [org] = (await client.query(`SELECT id FROM organizations WHERE name = $1`, [LOAD_ORGANIZATION])).rows;
  if (!org) return null;
  const [stats] = (
    await client.query(
      `SELECT coalesce(sum(posts + ideas + comments + reactions + votes + views), 0)::bigint AS events,
              min(day)::text AS first_day, max(day)::text AS last_day
       FROM engagement_daily WHERE organization_id = $1`,
      [org.id],
    )
  ).rows;
  const [{ people }] = (
    await client.query(`SELECT count(*)::int AS people FROM organization_memberships WHERE organization_id = $1`, [
      org.id,
    ])
  ).rows;
  const [{ spaces }] = (
    await client.query(`SELECT count(*)::int AS spaces FROM spaces WHERE organization_id = $1`, [org.id])
  ).rows;
  const [content] = (
    await client.query(
      `SELECT count(*)::int AS posts, coalesce(sum(comment_count), 0)::int AS comments,
              coalesce(sum(reaction_count), 0)::int AS reactions
       FROM posts WHERE organization_id = $1`,
      [org.id],
    )
  ).rows;
  return {
    organizationId: org.id as string,
    events: Number(stats.events),
    firstDay: stats.first_day as string | null,
    lastDay: stats.last_day as string | null,
    people: people as number,
    spaces: spaces as number,
    posts: content.posts as number,
    comments: content.comments as number,
    reactions: content.reactions as number,
  };
}

/**
 * Builds the fixture with `client` (the database owner), or leaves it when one with the same number of
 * events, people and spaces is already there (unless `force`; it may end before yesterday: benchmarks read
 * its last day).
 */
export async function buildLoadFixture(
  client: Client,
  options: LoadOptions,
  log: (m: string) => void = () => undefined,
): Promise<LoadResult> {
  const started = Date.now();
  const existing = await fixtureState(client);
  if (
    existing &&
    !options.force &&
    existing.events === options.events &&
    existing.people === options.people &&
    existing.spaces === options.spaces &&
    // Posts are drawn, so comments and reactions are only about what was asked: the posts decide.
    existing.posts === options.posts
  ) {
    return {
      created: false,
      ...existing,
      firstDay: existing.firstDay!,
      lastDay: existing.lastDay!,
      days: Math.round((Date.parse(existing.lastDay!) - Date.parse(existing.firstDay!)) / DAY_MS) + 1,
      via: options.via,
      eventSeconds: 0,
      contentSeconds: 0,
      rebuildSeconds: 0,
      totalSeconds: (Date.now() - started) / 1000,
    };
  }
  // The fixture's own session: no durable commit per batch (a crash loses a fixture, not data).
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET maintenance_work_mem = '256MB'`);
  await client.query(`SET work_mem = '64MB'`);
  await removeFixture(client, log);
  const model = modelOf(options);
  await insertPeopleAndSpaces(client, model);
  const days = options.days ?? defaultDays(model, options);
  log(
    `${model.people.length} people, ${model.spaces.length} spaces; ${options.events.toLocaleString('en')} events over up to ${days} days, via ${options.via}`,
  );

  const eventsStarted = Date.now();
  let written: { events: number; firstDay: string; lastDay: string };
  let rebuildSeconds = 0;
  if (options.via === 'ingest') {
    // One call in flight while the next batch is generated: Node and PostgreSQL each keep a core busy.
    let inFlight: Promise<unknown> = Promise.resolve();
    written = await generate(
      model,
      options,
      days,
      async (events) => {
        const json = ingestJson(model.organizationId, events);
        await inFlight;
        inFlight = client.query(`SELECT ruche_analytics_ingest($1::jsonb)`, [json]);
      },
      log,
    );
    await inFlight;
  } else {
    // Direct COPY needs to bypass row-level security (superuser); otherwise a temporary table in between.
    const [{ bypass }] = (
      await client.query(`SELECT rolsuper OR rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user`)
    ).rows;
    const target = bypass ? 'engagement_events' : 'load_events';
    if (!bypass) await client.query(`CREATE TEMP TABLE load_events (LIKE engagement_events)`);
    const columns = `(day, occurred_at, organization_id, space_id, actor_id, actor_kind, customer_account_id, type, subject_id, dedupe, event_id)`;
    written = await generate(
      model,
      { ...options, batch: Math.max(options.batch, 50_000) },
      days,
      async (events) => {
        await client.query(`SELECT ruche_analytics_partitions($1::date, $2::date)`, [
          events.at(-1)!.day,
          events[0].day,
        ]);
        const text = copyText(model.organizationId, events);
        let sent = false;
        await copyFrom(client, `COPY ${target} ${columns} FROM STDIN`, () =>
          sent ? undefined : ((sent = true), text),
        );
        if (!bypass) {
          await client.query(`INSERT INTO engagement_events SELECT * FROM load_events`);
          await client.query(`TRUNCATE load_events`);
        }
      },
      log,
    );
    const rebuildStarted = Date.now();
    await client.query('BEGIN');
    await client.query('SELECT ruche_analytics_rebuild()');
    await client.query('COMMIT');
    rebuildSeconds = (Date.now() - rebuildStarted) / 1000;
  }
  const eventSeconds = (Date.now() - eventsStarted) / 1000;
  const contentStarted = Date.now();
  const content = await insertContent(client, model.organizationId, model.spaces, {
    posts: options.posts,
    comments: options.comments,
    reactions: options.reactions,
    days: CONTENT_DEFAULTS.days,
    seed: options.seed,
  });
  const contentSeconds = (Date.now() - contentStarted) / 1000;
  if (content.posts) log(`${content.posts.toLocaleString('en')} posts written in ${contentSeconds.toFixed(1)} s`);
  // Fresh statistics and visibility maps, so reports are planned and measured as on a settled database.
  await client.query(`VACUUM (ANALYZE) ${ROLLUPS.join(', ')}`);
  // A rebuilt fixture leaves the previous one's rows dead: policies read these tables on every request.
  await client.query(`VACUUM (ANALYZE) users, organization_memberships, spaces, space_memberships, customer_accounts`);
  await client.query(`ANALYZE engagement_events`);
  return {
    created: true,
    organizationId: model.organizationId,
    events: written.events,
    people: model.people.length,
    spaces: model.spaces.length,
    days: Math.round((Date.parse(written.lastDay) - Date.parse(written.firstDay)) / DAY_MS) + 1,
    firstDay: written.firstDay,
    lastDay: written.lastDay,
    via: options.via,
    ...content,
    eventSeconds,
    contentSeconds,
    rebuildSeconds,
    totalSeconds: (Date.now() - started) / 1000,
  };
}
