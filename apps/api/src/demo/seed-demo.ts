import type { INestApplicationContext } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { CommentsService, IdeasService, ModerationService, PostsService } from '@ruche/content';
import { Db } from '@ruche/database';
import { AccountsService, OrganizationsService } from '@ruche/identity';
import { Clock, toGlobalId } from '@ruche/kernel';
import { Mailer, type MailMessage } from '@ruche/mail';
import { Uploads } from '@ruche/media';
import { REACTION_KINDS, type ReactionKind } from '@ruche/policy';
import { CustomerAccountsService, InvitationsService, SpacesService } from '@ruche/spaces';
import { CAMPAIGNS, CHATTER, POSTS, REPORTS, type CampaignSeed, type PostSeed } from './demo-content';
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
const TIMELINE_DAYS = 35;
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
 * changes nothing. Time is simulated: the services' clock walks through the last five weeks, so posts,
 * comments, votes and status changes are spread over them.
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
  return cls.run(() =>
    db.transaction(async () => {
      // Two runs at once: the second waits here, then finds the organization the first one committed.
      await db.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK]);
      if (await demoExists(db)) return result(false, null);
      const builder = new DemoBuilder(app, options.log ?? (() => undefined));
      return result(true, await builder.build());
    }),
  );
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

  private readonly random = prng(SEED);
  private readonly origin: number;
  private readonly end: number;
  private readonly inbox: MailMessage[] = [];
  private readonly people = new Map<string, Person>();
  private readonly spaces = new Map<string, SpaceState>();
  private readonly postIds = new Map<string, string>();
  private readonly commentIds = new Map<string, string[]>();
  private readonly campaignIds = new Map<string, string>();
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
    const now = this.clock.now().getTime();
    this.origin = Math.floor(now / HOUR) * HOUR - TIMELINE_DAYS * DAY;
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
      await this.reports();
      await this.laterEvents();
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
    const created = this.time(seed.day, seed.hour);
    const by = await this.as(seed.by, created);
    const deadline =
      'day' in seed.deadline
        ? this.time(seed.deadline.day, 18)
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
    const created = this.time(seed.day, seed.hour);
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
      decided ? this.time(decided.day, decided.hour) - 30 * 60_000 : Infinity,
      this.time(TIMELINE_DAYS, -0.5),
    );
    const during = () => created + 20 * 60_000 + this.random() * Math.max(0, until - created - 20 * 60_000);
    const others = this.participants(state).filter((k) => k !== author.key);

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
      const userId = await this.as(seed.edit.by, this.time(seed.edit.day, seed.edit.hour));
      await this.posts.update(userId, { postId: post.id, title: seed.edit.title, body: seed.edit.body });
      this.count('edits');
    }
    for (const step of seed.statuses ?? []) {
      const userId = await this.as(step.by, this.time(step.day, step.hour));
      await this.ideas.changeStatus(userId, {
        ideaId: post.id,
        status: step.to,
        note: step.note,
        estimatedValue: step.estimatedValue,
      });
      this.count('statusChanges');
    }
    if (seed.merge) {
      const userId = await this.as(seed.merge.by, this.time(seed.merge.day, seed.merge.hour));
      const target = this.postIds.get(seed.merge.into);
      if (!target) throw new Error(`demo seed: ${seed.key} merges into ${seed.merge.into}, which comes later`);
      await this.ideas.merge(userId, { sourceId: post.id, targetId: target, note: seed.merge.note });
      this.count('statusChanges');
    }
  }

  private async reports(): Promise<void> {
    for (const seed of REPORTS) {
      const userId = await this.as(seed.by, this.time(seed.day, seed.hour));
      const target =
        seed.comment === undefined
          ? { postId: this.postIds.get(seed.post)! }
          : { commentId: this.commentIds.get(seed.post)![seed.comment]! };
      const report = await this.moderation.report(userId, { ...target, reason: seed.reason, details: seed.details });
      this.count('reports');
      if (seed.resolution) {
        const r = seed.resolution;
        const moderator = await this.as(r.by, this.time(r.day, r.hour));
        await this.moderation.resolve(moderator, { reportId: report.id, action: r.action, note: r.note });
      }
    }
  }

  /** A customer withdraws their consent to one space; an invitation is still waiting for its answer. */
  private async laterEvents(): Promise<void> {
    const withdrawing = await this.as(WITHDRAWAL.customer, this.time(WITHDRAWAL.day, WITHDRAWAL.hour));
    await this.spaceService.leave(withdrawing, this.space(WITHDRAWAL.space).gid);
    this.space(WITHDRAWAL.space).customers.delete(WITHDRAWAL.customer);
    this.count('withdrawals');

    const inviter = await this.as(PENDING_INVITATION.by, this.time(PENDING_INVITATION.day, PENDING_INVITATION.hour));
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
        `${(c.employeeVotes ?? 0) + (c.customerVotes ?? 0)} votes, ${c.reports ?? 0} reports.`,
    );
  }
  lines.push('', `Sign in at ${publicUrl} (password for everyone: ${result.password}):`);
  for (const c of result.credentials) {
    lines.push(`  ${c.persona.padEnd(width)}  ${c.name.padEnd(nameWidth)}  ${c.email}`);
  }
  return `${lines.join('\n')}\n`;
}
