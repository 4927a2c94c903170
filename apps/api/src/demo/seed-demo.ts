import type { INestApplicationContext } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import {
  ANALYTICS_CONSUMER,
  EffortService,
  EngagementIngestion,
  ObjectivesService,
  type KpiInput,
} from '@ruche/analytics';
import { CommentsService, IdeasService, ModerationService, PostsService } from '@ruche/content';
import { Db } from '@ruche/database';
import { EventStream } from '@ruche/events';
import { AccountsService, OrganizationsService } from '@ruche/identity';
import { Clock, fromGlobalId, toGlobalId } from '@ruche/kernel';
import { Mailer, type MailMessage } from '@ruche/mail';
import { Uploads } from '@ruche/media';
import { REACTION_KINDS, type PostKind, type ReactionKind } from '@ruche/policy';
import { CustomerAccountsService, InvitationsService, SpacesService } from '@ruche/spaces';
import { CAMPAIGNS, CHATTER, POSTS, REPORTS, type CampaignSeed, type PostSeed } from './demo-content';
import {
  ANSWERS,
  EFFORT,
  EFFORT_HOURLY_COST,
  HISTORY_SPACES,
  HISTORY_START,
  HISTORY_TEXTS,
  OBJECTIVES,
  RANGE_CAMPAIGN,
  RANGE_IDEAS,
  REPLIES,
  STATUS_NOTES,
  type HistorySpace,
} from './demo-history';
import { demoImage } from './demo-images';
import {
  COMPANIES,
  DEMO_DOMAIN,
  DEMO_ORGANIZATION,
  DEMO_PASSWORD,
  EMPLOYEES,
  emailOf,
  PENDING_INVITATION,
  PERSONAS,
  SPACES,
  WITHDRAWAL,
  type SpaceSeed,
} from './demo-people';

export { DEMO_DOMAIN, DEMO_ORGANIZATION, DEMO_PASSWORD } from './demo-people';

export interface DemoCredential {
  persona: string;
  name: string;
  email: string;
}

export interface DemoSeedResult {
  /** False when the demo organization was already there (nothing was written). */
  created: boolean;
  organization: string;
  domain: string;
  password: string;
  credentials: DemoCredential[];
  /** What this run created; null when the organization was already there. */
  counts: Record<string, number> | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The demo timeline starts this many days ago. */
const TIMELINE_DAYS = 90;
/** The launch day (the welcome post): the hand-written stories of demo-content.ts start there. */
const LAUNCH_DAY = 5;
/**
 * demo-content.ts tells the 30 days after the launch; they are stretched over the rest of the 90 days, less
 * and less (the launch's busy first days spread out, later stories come closer together as the community grows).
 */
const CONTENT_DAYS = 30;
const CONTENT_CURVE = 0.7;
/** The analytics consumer catches up with the seed's events within this time, or the running API finishes. */
const DRAIN_TIMEOUT_MS = 60_000;
const SEED = 0x52554348; // "RUCH"
const LOCK = 'ruche_seed_demo';

/** Reaction kinds as people use them: mostly likes. */
const REACTION_WEIGHTS: Record<ReactionKind, number> = {
  LIKE: 10,
  CELEBRATE: 3,
  INSIGHTFUL: 3,
  SUPPORT: 2,
  CURIOUS: 1,
};

const ownerSeed = EMPLOYEES[0]!;

/** Who signs in as whom: one person per persona of the product brief. */
export function demoCredentials(): DemoCredential[] {
  const everyone = [
    ...EMPLOYEES.map((e) => ({ key: e.key, name: e.name, domain: DEMO_DOMAIN })),
    ...COMPANIES.flatMap((c) => c.customers.map((p) => ({ key: p.key, name: p.name, domain: c.domain }))),
  ];
  return PERSONAS.map(({ persona, key }) => {
    const person = everyone.find((p) => p.key === key)!;
    return { persona, name: person.name, email: emailOf(person.name, person.domain) };
  });
}

/**
 * Builds the demo organization through the domain services, acting as each person in turn (row-level
 * security, policies, consent records, audit trail, notifications and the outbox all apply), in one
 * transaction: it is there entirely or not at all. A second call finds it (by its e-mail domain) and
 * changes nothing. Time is simulated: the services' clock walks through the last 90 days, so posts,
 * comments, reactions, votes and status changes carry their historical time (and so do their outbox events,
 * which the analytics consumer counts on their day). Views are reported as each reader, on their day; the
 * manager's objectives, KPI values and effort logs go through the analytics services. Once committed, the
 * analytics consumer drains the stream, so the dashboards are filled when the seed returns.
 */
export async function seedDemo(
  app: INestApplicationContext,
  options: { log?: (message: string) => void } = {},
): Promise<DemoSeedResult> {
  const db = app.get(Db);
  const cls = app.get(ClsService);
  const result = (created: boolean, counts: Record<string, number> | null): DemoSeedResult => ({
    created,
    organization: DEMO_ORGANIZATION,
    domain: DEMO_DOMAIN,
    password: DEMO_PASSWORD,
    credentials: demoCredentials(),
    counts,
  });
  const outcome = await cls.run(() =>
    db.transaction(async () => {
      // Two runs at once: the second waits here, then finds the organization the first one committed.
      await db.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK]);
      if (await demoExists(db)) return result(false, null);
      const builder = new DemoBuilder(app, options.log ?? (() => undefined));
      return result(true, await builder.build());
    }),
  );
  // The analytics consumer reads only committed events (below the commit horizon): once the demo is there,
  // it fills the rollups, so the dashboards show the 90 days as soon as the seed finishes. A second run
  // finishes what an interrupted one left (the consumer's position makes it exactly once).
  await cls.run(() => drainAnalytics(app, options.log ?? (() => undefined)));
  return outcome;
}

/** Drains the analytics consumer until it has read every event of the stream (or gives up after a minute). */
async function drainAnalytics(app: INestApplicationContext, log: (message: string) => void): Promise<void> {
  const ingestion = app.get(EngagementIngestion, { strict: false });
  const stream = app.get(EventStream, { strict: false });
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let events = 0;
  for (;;) {
    events += await ingestion.drain();
    const pending = (await stream.lag()).find((l) => l.consumer === ANALYTICS_CONSUMER)?.pending ?? 0;
    if (pending === 0) break;
    if (Date.now() > deadline) {
      // Another transaction holds the commit horizon back: the running API's consumer will finish.
      log(`analytics: ${pending} events left for the running API's consumer`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  log(`analytics: ${events} events ingested`);
}

/** The demo is there when its owner's account exists and owns the organization of the demo domain. */
async function demoExists(db: Db): Promise<boolean> {
  const ownerEmail = emailOf(ownerSeed.name, DEMO_DOMAIN);
  const [owner]: { id: string }[] = await db.manager.query('SELECT id FROM users WHERE email = $1', [ownerEmail]);
  if (!owner) return false;
  await db.actAs(owner.id);
  const [org]: { id: string }[] = await db.manager.query(
    `SELECT d.organization_id AS id FROM organization_domains d
     JOIN organization_memberships m ON m.organization_id = d.organization_id AND m.user_id = $2 AND m.role = 'OWNER'
     WHERE d.domain = $1`,
    [DEMO_DOMAIN, owner.id],
  );
  await db.actAs(null);
  if (org) return true;
  throw new Error(
    `${ownerEmail} already has an account, but no demo organization: seed an empty database ` +
      '(stop the server and remove .data, or point DATABASE_URL at a new database).',
  );
}

/** A small deterministic generator (mulberry32): the same demo on every run, no Math.random. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Person {
  key: string;
  name: string;
  email: string;
  id: string;
  gid: string;
  customer: boolean;
  admin: boolean;
}

interface SpaceState {
  seed: SpaceSeed;
  gid: string;
  /** Employees who belong to it (owner, joined, invited). */
  members: Set<string>;
  /** Customers who accepted and did not withdraw. */
  customers: Set<string>;
}

class DemoBuilder {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly mailer: Mailer;
  private readonly accounts: AccountsService;
  private readonly organizations: OrganizationsService;
  private readonly spaceService: SpacesService;
  private readonly invitations: InvitationsService;
  private readonly customerAccounts: CustomerAccountsService;
  private readonly posts: PostsService;
  private readonly comments: CommentsService;
  private readonly ideas: IdeasService;
  private readonly moderation: ModerationService;
  private readonly uploads: Uploads;
  private readonly ingestion: EngagementIngestion;
  private readonly objectives: ObjectivesService;
  private readonly effort: EffortService;

  private readonly random = prng(SEED);
  private readonly origin: number;
  private readonly end: number;
  private readonly inbox: MailMessage[] = [];
  private readonly people = new Map<string, Person>();
  private readonly spaces = new Map<string, SpaceState>();
  private readonly postIds = new Map<string, string>();
  private readonly commentIds = new Map<string, string[]>();
  private readonly campaignIds = new Map<string, string>();
  /** Every post and idea, for the views people report. */
  private readonly timeline: { id: string; space: string; created: number }[] = [];
  /** How active each person is (0 to 1) and from which day of the timeline on. */
  private readonly profiles = new Map<string, { level: number; from: number }>();
  private readonly usedTitles = new Set<string>();
  private readonly counts: Record<string, number> = {};
  private simulated: number;
  private organizationGid = '';
  private ownerSession = '';

  constructor(
    app: INestApplicationContext,
    private readonly log: (message: string) => void,
  ) {
    const strict = { strict: false };
    this.db = app.get(Db, strict);
    this.clock = app.get(Clock, strict);
    this.mailer = app.get(Mailer, strict);
    this.accounts = app.get(AccountsService, strict);
    this.organizations = app.get(OrganizationsService, strict);
    this.spaceService = app.get(SpacesService, strict);
    this.invitations = app.get(InvitationsService, strict);
    this.customerAccounts = app.get(CustomerAccountsService, strict);
    this.posts = app.get(PostsService, strict);
    this.comments = app.get(CommentsService, strict);
    this.ideas = app.get(IdeasService, strict);
    this.moderation = app.get(ModerationService, strict);
    this.uploads = app.get(Uploads, strict);
    this.ingestion = app.get(EngagementIngestion, strict);
    this.objectives = app.get(ObjectivesService, strict);
    this.effort = app.get(EffortService, strict);
    const now = this.clock.now().getTime();
    // Day d of the timeline starts at midnight (UTC): hours are hours of the day, weekends are weekends.
    this.origin = Math.floor(now / DAY) * DAY - TIMELINE_DAYS * DAY;
    this.end = now - 5 * 60_000;
    this.simulated = this.origin;
  }

  async build(): Promise<Record<string, number>> {
    const restore = this.takeOver();
    try {
      await this.organization();
      await this.customerCompanies();
      for (const seed of SPACES) await this.createSpace(seed);
      for (const seed of SPACES) await this.inviteCustomers(seed);
      for (const seed of CAMPAIGNS) await this.campaign(seed);
      const posts = [...POSTS].sort((a, b) => a.day * 24 + a.hour - (b.day * 24 + b.hour));
      for (const seed of posts) await this.post(seed);
      this.log(`posts, comments, reactions and votes: ${posts.length} posts`);
      await this.history();
      await this.reports();
      await this.laterEvents();
      await this.views();
      await this.objectivesAndEffort();
      await this.db.actAs(null);
      return this.counts;
    } finally {
      restore();
    }
  }

  /**
   * For the duration of the build, the services' clock reads the simulated time and mail is kept here (it
   * holds the verification and invitation tokens people would read in their mailbox; nothing is sent to the
   * demo's fictitious addresses).
   */
  private takeOver(): () => void {
    const clock = this.clock as { now: () => Date };
    const mailer = this.mailer as { send: (message: MailMessage) => Promise<void> };
    const ownNow = Object.getOwnPropertyDescriptor(clock, 'now');
    const ownSend = Object.getOwnPropertyDescriptor(mailer, 'send');
    clock.now = () => new Date(this.simulated);
    mailer.send = async (message) => {
      this.inbox.push(message);
    };
    return () => {
      if (ownNow) Object.defineProperty(clock, 'now', ownNow);
      else Reflect.deleteProperty(clock, 'now');
      if (ownSend) Object.defineProperty(mailer, 'send', ownSend);
      else Reflect.deleteProperty(mailer, 'send');
    };
  }

  /** Moves the simulated clock, never past the present. */
  private at(time: number): void {
    this.simulated = Math.min(time, this.end);
  }

  private time(day: number, hour: number): number {
    return this.origin + day * DAY + hour * HOUR;
  }

  /** A day of demo-content.ts (five weeks from the launch) on the 90-day timeline. */
  private contentTime(day: number, hour: number): number {
    const span = TIMELINE_DAYS - 2 - LAUNCH_DAY;
    const stretched =
      day <= LAUNCH_DAY ? day : LAUNCH_DAY + Math.round(span * ((day - LAUNCH_DAY) / CONTENT_DAYS) ** CONTENT_CURVE);
    return this.time(stretched, hour);
  }

  private count(what: string, n = 1): void {
    this.counts[what] = (this.counts[what] ?? 0) + n;
  }

  private person(key: string): Person {
    const person = this.people.get(key);
    if (!person) throw new Error(`demo seed: unknown person ${key}`);
    return person;
  }

  private space(key: string): SpaceState {
    const state = this.spaces.get(key);
    if (!state) throw new Error(`demo seed: unknown space ${key}`);
    return state;
  }

  /** Acts as `key` from now on (row-level security sees that person), at the given simulated time. */
  private async as(key: string | null, time: number): Promise<string> {
    this.at(time);
    const id = key ? this.person(key).id : null;
    await this.db.actAs(id);
    return id ?? '';
  }

  /** The last token mailed to `email` under `label` ("Verification token", "Invitation token"). */
  private mailedToken(email: string, label: string): string {
    const pattern = new RegExp(`${label}: (\\S+)`);
    for (let i = this.inbox.length - 1; i >= 0; i--) {
      const message = this.inbox[i]!;
      const match = message.to === email ? pattern.exec(message.text) : null;
      if (match) return match[1]!;
    }
    throw new Error(`demo seed: no mail with "${label}" for ${email}`);
  }

  // ------------------------------------------------------------------ people and places

  private async signUp(key: string, name: string, email: string, customer: boolean, time: number) {
    this.at(time);
    const signed = await this.accounts.signUp({ email, password: DEMO_PASSWORD, displayName: name });
    const person: Person = {
      key,
      name,
      email,
      id: signed.user.id,
      gid: toGlobalId('User', signed.user.id),
      customer,
      admin: false,
    };
    this.people.set(key, person);
    this.count(customer ? 'customers' : 'employees');
    if (!customer) {
      // Employees join through a verified address in the organization's domain: the link in their mailbox.
      this.at(time + 10 * 60_000);
      await this.accounts.verifyEmail(this.mailedToken(email, 'Verification token'));
    }
    return { person, session: signed.familyId };
  }

  private async organization(): Promise<void> {
    const owner = await this.signUp(
      ownerSeed.key,
      ownerSeed.name,
      emailOf(ownerSeed.name, DEMO_DOMAIN),
      false,
      this.time(0, 9),
    );
    owner.person.admin = true;
    this.ownerSession = owner.session;
    await this.as(ownerSeed.key, this.time(0, 9.5));
    const { org } = await this.organizations.create(
      { userId: owner.person.id, sessionId: owner.session },
      { name: DEMO_ORGANIZATION, emailDomains: [DEMO_DOMAIN] },
    );
    this.organizationGid = toGlobalId('Organization', org.id);
    for (const [i, seed] of EMPLOYEES.slice(1).entries()) {
      const joined = this.time(0, 10) + i * 110 * 60_000;
      const { person } = await this.signUp(seed.key, seed.name, emailOf(seed.name, DEMO_DOMAIN), false, joined);
      if (seed.role) {
        await this.as(ownerSeed.key, joined + 30 * 60_000);
        await this.organizations.setRole(
          { userId: owner.person.id, sessionId: this.ownerSession },
          { organizationId: this.organizationGid, userId: person.gid, role: seed.role },
        );
        person.admin = seed.role === 'ADMIN';
      }
    }
    this.log(`organization ${DEMO_ORGANIZATION}: ${EMPLOYEES.length} employees`);
  }

  private async customerCompanies(): Promise<void> {
    for (const [i, company] of COMPANIES.entries()) {
      await this.as('sofia', this.time(3, 9) + i * 10 * 60_000);
      await this.customerAccounts.create(this.person('sofia').id, {
        organizationId: this.organizationGid,
        name: company.name,
        domain: company.domain,
      });
      this.count('customerAccounts');
    }
  }

  private async createSpace(seed: SpaceSeed): Promise<void> {
    const created = this.time(seed.day, seed.hour);
    const creator = await this.as(seed.creator, created);
    const space = await this.spaceService.create(creator, {
      organizationId: this.organizationGid,
      name: seed.name,
      description: seed.description,
      kind: seed.kind,
      visibility: seed.visibility,
      ...(seed.consentText ? { consentText: seed.consentText } : {}),
    });
    const state: SpaceState = { seed, gid: space.id, members: new Set([seed.creator]), customers: new Set() };
    this.spaces.set(seed.key, state);
    this.count('spaces');
    for (const [i, key] of (seed.joiners ?? []).entries()) {
      const userId = await this.as(key, created + (20 + i * 13) * 60_000);
      await this.spaceService.join(userId, space.id);
      state.members.add(key);
    }
    for (const [i, key] of (seed.invitedEmployees ?? []).entries()) {
      const invited = created + (30 + i * 10) * 60_000;
      const inviter = await this.as(seed.creator, invited);
      const email = this.person(key).email;
      await this.invitations.invite(inviter, { spaceId: space.id, email });
      const userId = await this.as(key, invited + 2 * HOUR);
      await this.invitations.accept(userId, { token: this.mailedToken(email, 'Invitation token') });
      state.members.add(key);
    }
    for (const key of seed.moderators ?? []) {
      const owner = await this.as(seed.creator, created + 6 * HOUR);
      await this.spaceService.setRole(owner, { spaceId: space.id, userId: this.person(key).gid, role: 'MODERATOR' });
    }
  }

  /**
   * Customers reach a hybrid space only through an invitation bound to their e-mail, accepted with explicit
   * consent to the policy version the invitation showed them.
   */
  private async inviteCustomers(seed: SpaceSeed): Promise<void> {
    if (!seed.customers?.length) return;
    const state = this.space(seed.key);
    const inviterKey = seed.moderators?.[0] ?? seed.creator;
    const when = seed.customersInvited ?? { day: seed.day + 1, hour: 9 };
    const start = this.time(when.day, when.hour);
    for (const [i, key] of seed.customers.entries()) {
      const invited = start + i * 25 * 60_000;
      const company = COMPANIES.find((c) => c.customers.some((p) => p.key === key))!;
      const name = company.customers.find((p) => p.key === key)!.name;
      const email = emailOf(name, company.domain);
      const inviter = await this.as(inviterKey, invited);
      await this.invitations.invite(inviter, {
        spaceId: state.gid,
        email,
        message: `We would love to hear from ${company.name} in "${seed.name}".\n${this.person(inviterKey).name}`,
      });
      const token = this.mailedToken(email, 'Invitation token');
      if (!this.people.has(key)) await this.signUp(key, name, email, true, invited + HOUR);
      const userId = await this.as(key, invited + HOUR + 5 * 60_000);
      const preview = await this.invitations.preview(token);
      await this.invitations.accept(userId, {
        token,
        consent: { accepted: true, policyVersion: preview.consent.version },
      });
      state.customers.add(key);
      this.count('consents');
    }
  }

  // ------------------------------------------------------------------ content

  /** Who reads a space, as the policy decides: admins, employees (open spaces, or members), its customers. */
  private participants(state: SpaceState): string[] {
    const employees = [...this.people.values()]
      .filter((p) => !p.customer)
      .filter((p) => p.admin || state.seed.visibility === 'OPEN' || state.members.has(p.key))
      .map((p) => p.key);
    // The customer who will withdraw from a space takes part there only in what the content says.
    const customers = [...state.customers].filter(
      (key) => !(key === WITHDRAWAL.customer && state.seed.key === WITHDRAWAL.space),
    );
    return [...employees, ...customers];
  }

  private sample<T>(items: readonly T[], n: number): T[] {
    const pool = [...items];
    const picked: T[] = [];
    while (picked.length < n && pool.length > 0)
      picked.push(pool.splice(Math.floor(this.random() * pool.length), 1)[0]!);
    return picked;
  }

  private reactionKind(): ReactionKind {
    const total = REACTION_KINDS.reduce((sum, k) => sum + REACTION_WEIGHTS[k], 0);
    let r = this.random() * total;
    for (const kind of REACTION_KINDS) {
      r -= REACTION_WEIGHTS[kind];
      if (r < 0) return kind;
    }
    return 'LIKE';
  }

  private async campaign(seed: CampaignSeed): Promise<void> {
    const created = this.contentTime(seed.day, seed.hour);
    const by = await this.as(seed.by, created);
    const deadline =
      'day' in seed.deadline
        ? this.contentTime(seed.deadline.day, 18)
        : Math.floor(this.time(TIMELINE_DAYS, 0) / DAY) * DAY + seed.deadline.daysFromNow * DAY + 18 * HOUR;
    const campaign = await this.ideas.createCampaign(by, {
      spaceId: this.space(seed.space).gid,
      title: seed.title,
      question: seed.question,
      startsAt: new Date(created),
      deadline: new Date(deadline),
    });
    this.campaignIds.set(seed.key, campaign.id);
    this.count('campaigns');
  }

  private async post(seed: PostSeed): Promise<void> {
    const state = this.space(seed.space);
    const created = this.contentTime(seed.day, seed.hour);
    const author = this.person(seed.author);
    let imageIds: string[] | undefined;
    if (seed.image) {
      // As POST /uploads does: the author uploads the file, the service checks and re-encodes it.
      const userId = await this.as(seed.author, created - 10 * 60_000);
      const upload = await this.uploads.create(userId, await demoImage(seed.image));
      imageIds = [upload.id];
      this.count('images');
    }
    const authorId = await this.as(seed.author, created);
    const post = await this.posts.create(authorId, {
      spaceId: state.gid,
      kind: seed.kind,
      title: seed.title,
      body: seed.body,
      tags: seed.tags ? [...seed.tags] : undefined,
      imageIds,
      mentions: seed.mentions?.map((k) => this.person(k).gid),
      campaignId: seed.campaign ? this.campaignIds.get(seed.campaign) : undefined,
    });
    this.postIds.set(seed.key, post.id);
    this.timeline.push({ id: post.id, space: seed.space, created });
    this.count(seed.kind === 'IDEA' ? 'ideas' : 'posts');
    if (seed.pin) {
      await this.as(seed.author, created + 5 * 60_000);
      await this.posts.pin(authorId, post.id, true);
    }

    // Activity happens in the days after the post, before its first status change (which then reaches every
    // voter and commenter) or its merge.
    const decided = seed.merge ?? seed.statuses?.[0];
    const until = Math.min(
      created + 5 * DAY,
      decided ? this.contentTime(decided.day, decided.hour) - 30 * 60_000 : Infinity,
      this.time(TIMELINE_DAYS, -0.5),
    );
    const during = () => created + 20 * 60_000 + this.random() * Math.max(0, until - created - 20 * 60_000);
    // Chatter, reactions and votes come from the people who already took to Ruche (the community grows).
    const day = Math.floor((created - this.origin) / DAY);
    const others = this.participants(state).filter((k) => k !== author.key && this.profile(k).from <= day);

    const ids: string[] = [];
    for (const c of seed.comments ?? []) {
      const userId = await this.as(c.by, created + c.after * HOUR);
      const { comment } = await this.comments.add(userId, {
        postId: post.id,
        parentId: c.replyTo === undefined ? undefined : ids[c.replyTo],
        body: c.body,
        mentions: c.mentions?.map((k) => this.person(k).gid),
      });
      ids.push(comment.id);
      this.count('comments');
    }
    this.commentIds.set(seed.key, ids);
    const lines = this.sample(CHATTER[seed.kind], seed.chatter ?? 0);
    for (const [i, by] of this.sample(others, lines.length).entries()) {
      const userId = await this.as(by, during());
      await this.comments.add(userId, { postId: post.id, body: lines[i]! });
      this.count('comments');
    }
    for (const by of this.sample(others, seed.reactions)) {
      const userId = await this.as(by, during());
      await this.posts.react(userId, post.id, this.reactionKind());
      this.count('reactions');
    }
    if (seed.votes) {
      // In a space with customers, a good share of the votes is theirs.
      const customers = others.filter((k) => this.person(k).customer);
      const fromCustomers = this.sample(customers, Math.round(seed.votes * 0.45));
      const employees = others.filter((k) => !this.person(k).customer);
      const voters = [...fromCustomers, ...this.sample(employees, seed.votes - fromCustomers.length)];
      for (const by of voters) {
        const userId = await this.as(by, during());
        await this.ideas.vote(userId, post.id, true);
        this.count(this.person(by).customer ? 'customerVotes' : 'employeeVotes');
      }
    }
    if (seed.edit) {
      const userId = await this.as(seed.edit.by, this.contentTime(seed.edit.day, seed.edit.hour));
      await this.posts.update(userId, { postId: post.id, title: seed.edit.title, body: seed.edit.body });
      this.count('edits');
    }
    for (const step of seed.statuses ?? []) {
      const userId = await this.as(step.by, this.contentTime(step.day, step.hour));
      await this.ideas.changeStatus(userId, {
        ideaId: post.id,
        status: step.to,
        note: step.note,
        estimatedValue: step.estimatedValue,
      });
      this.count('statusChanges');
    }
    if (seed.merge) {
      const userId = await this.as(seed.merge.by, this.contentTime(seed.merge.day, seed.merge.hour));
      const target = this.postIds.get(seed.merge.into);
      if (!target) throw new Error(`demo seed: ${seed.key} merges into ${seed.merge.into}, which comes later`);
      await this.ideas.merge(userId, { sourceId: post.id, targetId: target, note: seed.merge.note });
      this.count('statusChanges');
    }
  }

  private async reports(): Promise<void> {
    for (const seed of REPORTS) {
      const userId = await this.as(seed.by, this.contentTime(seed.day, seed.hour));
      const target =
        seed.comment === undefined
          ? { postId: this.postIds.get(seed.post)! }
          : { commentId: this.commentIds.get(seed.post)![seed.comment]! };
      const report = await this.moderation.report(userId, { ...target, reason: seed.reason, details: seed.details });
      this.count('reports');
      if (seed.resolution) {
        const r = seed.resolution;
        const moderator = await this.as(r.by, this.contentTime(r.day, r.hour));
        await this.moderation.resolve(moderator, { reportId: report.id, action: r.action, note: r.note });
      }
    }
  }

  // ------------------------------------------------------------------ 90 days of everyday history

  private weekdayFactor(day: number): number {
    const weekday = new Date(this.origin + day * DAY).getUTCDay();
    return weekday === 0 ? 0.15 : weekday === 6 ? 0.25 : 1;
  }

  /** The community grows: about three times as much everyday activity at the end of the timeline as at the launch. */
  private growth(day: number): number {
    return 0.4 + (0.9 * day) / TIMELINE_DAYS;
  }

  /** An hour of the day people work (weekdays) or ride (weekends). */
  private hourOf(day: number): number {
    return this.weekdayFactor(day) === 1 ? 8.5 + this.random() * 9.5 : 10 + this.random() * 8;
  }

  /**
   * Who is how active, from when: a core of early adopters, most colleagues joining in over the first two
   * months (a few only read), Velocity's people far more engaged than the other two companies' (a few of
   * them only join the lab in the autumn).
   */
  private profile(key: string): { level: number; from: number } {
    let profile = this.profiles.get(key);
    if (profile) return profile;
    const person = this.person(key);
    const company = COMPANIES.find((c) => c.customers.some((p) => p.key === key));
    const core = ['camille', 'hugo', 'sofia', 'thomas', 'lea', 'amina', 'lucas', 'clara', 'nora', 'karim'];
    if (company) {
      const velocity = company.key === 'velocity';
      profile = {
        level: velocity ? 0.75 + this.random() * 0.25 : 0.15 + this.random() * 0.25,
        from: LAUNCH_DAY + 1 + Math.floor(this.random() * (velocity ? 20 : 35)),
      };
    } else if (core.includes(key) || person.admin) {
      profile = { level: 0.8 + this.random() * 0.2, from: LAUNCH_DAY };
    } else {
      const r = this.random();
      profile = {
        level: r < 0.2 ? 0.6 + this.random() * 0.3 : r < 0.6 ? 0.25 + this.random() * 0.2 : 0.04 + this.random() * 0.08,
        from: LAUNCH_DAY + Math.floor(this.random() ** 1.4 * 55),
      };
    }
    this.profiles.set(key, profile);
    return profile;
  }

  /** `n` distinct people of `pool` active on that day, the more active ones more often. */
  private pick(pool: readonly string[], n: number, day: number, weight = (key: string) => this.profile(key).level) {
    const candidates = pool.filter((k) => this.profile(k).from <= day).map((k) => ({ k, w: weight(k) }));
    const picked: string[] = [];
    while (picked.length < n && candidates.length > 0) {
      const total = candidates.reduce((sum, c) => sum + c.w, 0);
      let r = this.random() * total;
      let i = 0;
      while (i < candidates.length - 1 && (r -= candidates[i]!.w) >= 0) i++;
      picked.push(candidates.splice(i, 1)[0]!.k);
    }
    return picked;
  }

  private choose<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private weighted<K extends string>(weights: Partial<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    let r = this.random() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, w] of entries) if ((r -= w) < 0) return key;
    return entries[0]![0];
  }

  private title(kind: PostKind, subjects: readonly string[]): string {
    for (let attempt = 0; ; attempt++) {
      const subject = this.choose(subjects);
      const title = this.choose(HISTORY_TEXTS[kind].titles).replace('{s}', subject);
      if (!this.usedTitles.has(title) || attempt > 20) {
        this.usedTitles.add(title);
        return title.charAt(0).toUpperCase() + title.slice(1);
      }
    }
  }

  /** Who may start a post there: its members and customers; announcements are its owner's and moderators'. */
  private authors(state: SpaceState, kind: PostKind): string[] {
    if (kind === 'ANNOUNCEMENT') return [state.seed.creator, ...(state.seed.moderators ?? [])];
    return this.participants(state).filter((k) => state.members.has(k) || state.customers.has(k));
  }

  /**
   * Three months of everyday activity between the hand-written stories, day by day: more on weekdays than
   * at weekends, growing over time, a campaign that makes a spike, customers' questions answered sooner or
   * later (a few never), ideas moving through the funnel over the weeks.
   */
  private async history(): Promise<void> {
    const before = { ...this.counts };
    const weights = Object.fromEntries(HISTORY_SPACES.map((s) => [s.key, s.weight])) as Record<string, number>;
    for (let day = HISTORY_START; day < TIMELINE_DAYS; day++) {
      if (day === RANGE_CAMPAIGN.day) await this.rangeCampaign();
      const expected = 2 * this.growth(day) * this.weekdayFactor(day);
      const n = Math.floor(expected + this.random());
      for (let i = 0; i < n; i++) {
        const key = this.weighted(weights);
        const space = HISTORY_SPACES.find((s) => s.key === key)!;
        await this.everydayPost(space, day);
      }
    }
    const added = (what: string) => (this.counts[what] ?? 0) - (before[what] ?? 0);
    this.log(
      `history: ${added('posts') + added('ideas')} posts and ideas, ${added('comments')} comments, ` +
        `${added('reactions')} reactions, ${added('employeeVotes') + added('customerVotes')} votes`,
    );
  }

  private async everydayPost(space: HistorySpace, day: number): Promise<void> {
    const state = this.space(space.key);
    const kind = this.weighted(space.kinds);
    // In hybrid spaces, customers start a good share of the threads.
    const [author] = this.pick(this.authors(state, kind), 1, day, (k) =>
      this.person(k).customer ? this.profile(k).level * 1.6 : this.profile(k).level,
    );
    if (!author) return;
    const created = this.time(day, this.hourOf(day));
    if (created > this.end - 2 * HOUR) return;
    const subject = this.choose(space.subjects);
    await this.generatedPost(state, {
      author,
      kind,
      created,
      title: this.title(kind, space.subjects),
      body: this.choose(HISTORY_TEXTS[kind].bodies).replaceAll('{s}', subject),
      tags: [space.key === 'fleetlab' ? 'fleet' : kind.toLowerCase()],
    });
  }

  /** The spike: a week-long campaign in the lab, where fleets send ideas for the next range and vote. */
  private async rangeCampaign(): Promise<void> {
    const state = this.space(RANGE_CAMPAIGN.space);
    const created = this.time(RANGE_CAMPAIGN.day, RANGE_CAMPAIGN.hour);
    const deadline = this.time(RANGE_CAMPAIGN.day + RANGE_CAMPAIGN.days, 18);
    const by = await this.as(RANGE_CAMPAIGN.by, created);
    const campaign = await this.ideas.createCampaign(by, {
      spaceId: state.gid,
      title: RANGE_CAMPAIGN.title,
      question: RANGE_CAMPAIGN.question,
      startsAt: new Date(created),
      deadline: new Date(deadline),
    });
    this.campaignIds.set(RANGE_CAMPAIGN.key, campaign.id);
    this.count('campaigns');
    const authors = this.authors(state, 'IDEA');
    for (const [i, idea] of RANGE_IDEAS.entries()) {
      let day = RANGE_CAMPAIGN.day + Math.floor((i * RANGE_CAMPAIGN.days) / RANGE_IDEAS.length);
      while (this.weekdayFactor(day) < 1) day++; // sent from the office
      const [author] = this.pick(authors, 1, day, (k) => (this.person(k).customer ? 2 : 1) * this.profile(k).level);
      const at = this.time(day, this.hourOf(day));
      if (!author || at > Math.min(this.end - 2 * HOUR, deadline)) continue;
      await this.generatedPost(state, {
        author,
        kind: 'IDEA',
        created: at,
        title: `2027: ${idea}`,
        body: `For the 2027 range: **${idea}**. ${this.choose(HISTORY_TEXTS.IDEA.bodies).replaceAll('{s}', idea)}`,
        tags: ['range-2027'],
        campaignId: campaign.id,
        // Ideas are reviewed once the campaign is over.
        reviewFrom: deadline + DAY,
        votes: 6 + Math.floor(this.random() * 8),
      });
    }
  }

  private async generatedPost(
    state: SpaceState,
    post: {
      author: string;
      kind: PostKind;
      created: number;
      title: string;
      body: string;
      tags: string[];
      campaignId?: string;
      reviewFrom?: number;
      votes?: number;
    },
  ): Promise<void> {
    const authorId = await this.as(post.author, post.created);
    const created = await this.posts.create(authorId, {
      spaceId: state.gid,
      kind: post.kind,
      title: post.title,
      body: post.body,
      tags: post.tags,
      campaignId: post.campaignId,
    });
    this.timeline.push({ id: created.id, space: state.seed.key, created: post.created });
    this.count(post.kind === 'IDEA' ? 'ideas' : 'posts');
    const day = Math.floor((post.created - this.origin) / DAY);
    const steps = post.kind === 'IDEA' ? this.funnel(post.created, post.reviewFrom) : [];
    const until = Math.min(post.created + 5 * DAY, (steps[0]?.at ?? Infinity) - 30 * 60_000, this.end);
    // Within the days after the post, most of it on weekdays.
    const during = (from = post.created + 15 * 60_000) => {
      let at = from;
      for (let attempt = 0; attempt < 4; attempt++) {
        at = from + this.random() * Math.max(0, until - from);
        if (this.weekdayFactor(Math.floor((at - this.origin) / DAY)) === 1 || this.random() < 0.2) break;
      }
      return at;
    };
    const others = this.participants(state).filter((k) => k !== post.author);
    const employees = others.filter((k) => !this.person(k).customer);
    const customerPost = this.person(post.author).customer;

    // Customers' posts and questions wait for an employee's answer: most within hours, some after a day or
    // more, a few never.
    let answered = true;
    if (customerPost || post.kind === 'QUESTION') {
      const velocity = COMPANIES[0]!.customers.some((c) => c.key === post.author);
      const r = this.random() * (velocity ? 0.9 : 1);
      const delay =
        r < 0.4
          ? 0.3 + this.random() * 3.5
          : r < 0.7
            ? 4 + this.random() * 16
            : r < 0.9
              ? 26 + this.random() * 50
              : null;
      answered = delay !== null && post.created + delay * HOUR < this.end;
      if (answered) {
        const staff = [state.seed.creator, ...(state.seed.moderators ?? [])].filter((k) => k !== post.author);
        const [responder] = this.random() < 0.55 && staff.length ? [this.choose(staff)] : this.pick(employees, 1, day);
        if (responder) {
          const userId = await this.as(responder, post.created + delay! * HOUR);
          await this.comments.add(userId, { postId: created.id, body: this.choose(ANSWERS) });
          this.count('comments');
        }
      }
    }
    // Unanswered threads only get customers' follow-ups.
    const repliers = answered ? others : others.filter((k) => this.person(k).customer);
    const replies = Math.floor(this.random() * (post.kind === 'DISCUSSION' ? 4 : 2.5));
    for (const by of this.pick(repliers, replies, day)) {
      const userId = await this.as(by, during(post.created + (answered ? 2 : 0.5) * HOUR));
      await this.comments.add(userId, { postId: created.id, body: this.choose(REPLIES) });
      this.count('comments');
    }
    const reactions = Math.floor(1 + this.random() * 5 * this.growth(day));
    for (const by of this.pick(others, reactions, day)) {
      const userId = await this.as(by, during());
      await this.posts.react(userId, created.id, this.reactionKind());
      this.count('reactions');
    }
    if (post.kind === 'IDEA') {
      const votes = post.votes ?? 2 + Math.floor(this.random() * 6);
      const velocity = new Set(COMPANIES[0]!.customers.map((c) => c.key));
      for (const by of this.pick(others, votes, day, (k) => (velocity.has(k) ? 2.5 : 1) * this.profile(k).level)) {
        const userId = await this.as(by, during());
        await this.ideas.vote(userId, created.id, true);
        this.count(this.person(by).customer ? 'customerVotes' : 'employeeVotes');
      }
    }
    for (const step of steps) {
      const userId = await this.as(step.by, step.at);
      await this.ideas.changeStatus(userId, {
        ideaId: created.id,
        status: step.to,
        note: this.choose(STATUS_NOTES[step.to]),
        estimatedValue: step.to === 'IMPLEMENTED' ? 2000 + Math.round(this.random() * 10) * 1500 : undefined,
      });
      this.count('statusChanges');
    }
  }

  /**
   * An idea's way through the funnel, over weeks: a quarter wait for a review, a few are declined, the rest
   * move on to planned, in progress and implemented (each step only if it is in the past).
   */
  private funnel(created: number, reviewFrom = created + 3 * DAY) {
    const steps: { to: keyof typeof STATUS_NOTES; at: number; by: string }[] = [];
    if (this.random() < 0.25) return steps;
    let at = Math.max(reviewFrom, created + 2 * DAY) + this.random() * 9 * DAY;
    const path: (keyof typeof STATUS_NOTES)[] =
      this.random() < 0.2 ? ['UNDER_REVIEW', 'DECLINED'] : ['UNDER_REVIEW', 'PLANNED', 'IN_PROGRESS', 'IMPLEMENTED'];
    for (const to of path) {
      if (at > this.end - HOUR) break;
      steps.push({ to, at, by: 'lea' });
      at += (5 + this.random() * 12) * DAY;
    }
    return steps;
  }

  /**
   * Views, as the clients report them (`recordViews`, acting as each reader): on the days a person comes by,
   * part of what was posted in their spaces in the last days. Lurkers come by too: views are not
   * contributions, but they make people active.
   */
  private async views(): Promise<void> {
    const readers = new Map<string, Set<string>>();
    for (const [key, state] of this.spaces) {
      for (const person of this.participants(state)) {
        readers.set(person, (readers.get(person) ?? new Set()).add(key));
      }
    }
    let calls = 0;
    let recorded = 0;
    for (let day = LAUNCH_DAY; day < TIMELINE_DAYS; day++) {
      for (const [key, spaces] of readers) {
        const profile = this.profile(key);
        if (profile.from > day) continue;
        if (this.random() > this.weekdayFactor(day) * (0.2 + 0.5 * profile.level) * this.growth(day)) continue;
        const at = this.time(day, this.hourOf(day));
        if (at > this.end) continue;
        const recent = this.timeline.filter((p) => spaces.has(p.space) && p.created < at && p.created > at - 4 * DAY);
        const seen = this.sample(recent, Math.min(100, Math.ceil(recent.length * (0.3 + 0.5 * this.random()))));
        if (seen.length === 0) continue;
        await this.as(key, at);
        recorded += await this.ingestion.recordViews(
          seen.map((p) => fromGlobalId(p.id, 'Post')),
          new Date(at),
        );
        calls++;
      }
    }
    this.count('views', recorded);
    this.log(`views: ${recorded} (${calls} reports)`);
  }

  // ------------------------------------------------------------------ objectives, KPIs and effort

  private isoDay(time: number): string {
    return new Date(time).toISOString().slice(0, 10);
  }

  /** The first day of the month `offset` months from the present's. */
  private monthStart(offset: number): string {
    const now = new Date(this.end);
    return this.isoDay(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  }

  /**
   * The manager's objectives with their KPIs (business values entered for the last three months), and the
   * weekly hours of community management behind each main space, through the analytics services.
   */
  private async objectivesAndEffort(): Promise<void> {
    const manager = await this.as('sofia', this.end - 2 * HOUR);
    const startsOn = this.monthStart(-3);
    const endsOn = this.isoDay(Date.parse(`${this.monthStart(7)}T00:00:00Z`) - DAY);
    for (const seed of OBJECTIVES) {
      const objective = await this.objectives.create(manager, {
        organizationId: this.organizationGid,
        title: seed.title,
        description: seed.description,
        kind: seed.kind,
        startsOn,
        endsOn,
        kpis: seed.kpis.map(
          (k): KpiInput => ({
            name: k.name,
            source: k.source,
            metric: k.metric,
            unit: k.unit,
            direction: k.direction,
            baseline: k.baseline,
            target: k.target,
            period: k.period,
            unitValue: k.unitValue,
            spaceId: k.space ? this.space(k.space).gid : undefined,
          }),
        ),
      });
      this.count('objectives');
      const kpis = await this.objectives.kpisOf([objective.id]);
      for (const [i, k] of seed.kpis.entries()) {
        for (const [month, value] of (k.values ?? []).entries()) {
          await this.objectives.recordValue(manager, {
            kpiId: toGlobalId('Kpi', kpis[i]!.id),
            periodStart: this.monthStart(month - 3),
            value,
            note: k.notes?.[month],
          });
          this.count('kpiValues');
        }
      }
    }

    // Weekly logs from the launch week to this week (Monday to Sunday, the current one until today).
    const launch = new Date(this.time(LAUNCH_DAY, 0));
    const firstMonday =
      Date.UTC(launch.getUTCFullYear(), launch.getUTCMonth(), launch.getUTCDate()) -
      ((launch.getUTCDay() + 6) % 7) * DAY;
    const campaign = [this.time(RANGE_CAMPAIGN.day, 0), this.time(RANGE_CAMPAIGN.day + RANGE_CAMPAIGN.days, 24)];
    for (let monday = firstMonday; monday <= this.end; monday += 7 * DAY) {
      const sunday = Math.min(monday + 6 * DAY, this.end);
      const busy = monday < campaign[1]! && sunday + DAY > campaign[0]!;
      for (const e of EFFORT) {
        const hours =
          Math.round(e.hours * (0.8 + this.random() * 0.4) * (busy && e.space === 'fleetlab' ? 1.8 : 1) * 2) / 2;
        const by = await this.as(e.by, Math.min(sunday + 18 * HOUR, this.end));
        await this.effort.log(by, {
          spaceId: this.space(e.space).gid,
          periodStart: this.isoDay(monday),
          periodEnd: this.isoDay(sunday),
          hours,
          cost: hours * EFFORT_HOURLY_COST,
          note: busy && e.space === 'fleetlab' ? `${e.note}; the 2027 range campaign` : e.note,
        });
        this.count('effortLogs');
      }
    }
    this.log(`objectives: ${this.counts.objectives ?? 0}, effort logs: ${this.counts.effortLogs ?? 0}`);
  }

  /** A customer withdraws their consent to one space; an invitation is still waiting for its answer. */
  private async laterEvents(): Promise<void> {
    const withdrawing = await this.as(WITHDRAWAL.customer, this.contentTime(WITHDRAWAL.day, WITHDRAWAL.hour));
    await this.spaceService.leave(withdrawing, this.space(WITHDRAWAL.space).gid);
    this.space(WITHDRAWAL.space).customers.delete(WITHDRAWAL.customer);
    this.count('withdrawals');

    const inviter = await this.as(
      PENDING_INVITATION.by,
      this.contentTime(PENDING_INVITATION.day, PENDING_INVITATION.hour),
    );
    await this.invitations.invite(inviter, {
      spaceId: this.space(PENDING_INVITATION.space).gid,
      email: this.person(PENDING_INVITATION.customer).email,
      message: 'Velocity runs rental bikes too now: you would be very welcome in the lounge.',
    });
    this.count('pendingInvitations');
  }
}

/** What `npm run seed:demo` prints. */
export function describeDemo(result: DemoSeedResult, publicUrl: string): string {
  const width = Math.max(...result.credentials.map((c) => c.persona.length));
  const nameWidth = Math.max(...result.credentials.map((c) => c.name.length));
  const lines = [
    result.created
      ? `The demo organization "${result.organization}" is ready (e-mail domain ${result.domain}).`
      : `The demo organization is already there: "${result.organization}" (e-mail domain ${result.domain}). Nothing was changed.`,
  ];
  if (result.counts) {
    const c = result.counts;
    lines.push(
      `  ${c.employees ?? 0} employees, ${c.customers ?? 0} customers from ${c.customerAccounts ?? 0} companies, ` +
        `${c.spaces ?? 0} spaces, ${c.posts ?? 0} posts and ${c.ideas ?? 0} ideas (${c.images ?? 0} with images), ` +
        `${c.comments ?? 0} comments, ${c.reactions ?? 0} reactions, ` +
        `${(c.employeeVotes ?? 0) + (c.customerVotes ?? 0)} votes, ${c.reports ?? 0} reports over ${TIMELINE_DAYS} days;`,
      `  ${c.views ?? 0} views, ${c.objectives ?? 0} objectives with KPIs (${c.kpiValues ?? 0} business values), ` +
        `${c.effortLogs ?? 0} weekly effort logs: the analytics dashboards are filled.`,
    );
  }
  lines.push('', `Sign in at ${publicUrl} (password for everyone: ${result.password}):`);
  for (const c of result.credentials) {
    lines.push(`  ${c.persona.padEnd(width)}  ${c.name.padEnd(nameWidth)}  ${c.email}`);
  }
  return `${lines.join('\n')}\n`;
}
