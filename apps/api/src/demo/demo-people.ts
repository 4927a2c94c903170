import type { OrgRole, SpaceKind, SpaceVisibility } from '@ruche/policy';

/**
 * The cast and the places of the demo organization (`npm run seed:demo`): fixed names, so every run builds the
 * same organization. E-mail addresses are derived from the names (`firstname.lastname@domain`).
 */

export const DEMO_ORGANIZATION = 'Lumen Cycles';
/** The e-mail domain the demo organization claims: its presence is how a second run knows the demo is there. */
export const DEMO_DOMAIN = 'demo.ruche.test';
/** Everyone in the demo signs in with this password. */
export const DEMO_PASSWORD = 'ruche-demo-password';

export interface EmployeeSeed {
  key: string;
  name: string;
  /** Organization role other than MEMBER (set by the owner right after the person joined). */
  role?: Exclude<OrgRole, 'MEMBER' | 'CUSTOMER' | 'OWNER'>;
}

/** 40 employees. The first one creates the organization (OWNER); they join in this order. */
export const EMPLOYEES: readonly EmployeeSeed[] = [
  { key: 'camille', name: 'Camille Laurent' },
  { key: 'hugo', name: 'Hugo Bernard', role: 'ADMIN' },
  { key: 'sofia', name: 'Sofia Rossi', role: 'MANAGER' },
  { key: 'thomas', name: 'Thomas Nguyen', role: 'MANAGER' },
  { key: 'lea', name: 'Léa Moreau' },
  { key: 'julien', name: 'Julien Petit' },
  { key: 'amina', name: 'Amina Diallo' },
  { key: 'lucas', name: 'Lucas Martin' },
  { key: 'chloe', name: 'Chloé Dubois' },
  { key: 'mehdi', name: 'Mehdi Haddad' },
  { key: 'sarah', name: 'Sarah Cohen' },
  { key: 'nicolas', name: 'Nicolas Lefèvre' },
  { key: 'ines', name: 'Inès Garcia' },
  { key: 'antoine', name: 'Antoine Roux' },
  { key: 'manon', name: 'Manon Fournier' },
  { key: 'karim', name: 'Karim Benali' },
  { key: 'elodie', name: 'Élodie Girard' },
  { key: 'maxime', name: 'Maxime Lambert' },
  { key: 'yasmine', name: 'Yasmine Chevalier' },
  { key: 'paul', name: 'Paul Mercier' },
  { key: 'clara', name: 'Clara Fontaine' },
  { key: 'louis', name: 'Louis Bonnet' },
  { key: 'jade', name: 'Jade Rousseau' },
  { key: 'arthur', name: 'Arthur Blanc' },
  { key: 'zoe', name: 'Zoé Guérin' },
  { key: 'hamza', name: 'Hamza Ouali' },
  { key: 'emilie', name: 'Émilie Faure' },
  { key: 'raphael', name: 'Raphaël André' },
  { key: 'louise', name: 'Louise Mathieu' },
  { key: 'gabriel', name: 'Gabriel Henry' },
  { key: 'alice', name: 'Alice Perrin' },
  { key: 'victor', name: 'Victor Morel' },
  { key: 'nora', name: 'Nora Lemoine' },
  { key: 'theo', name: 'Théo Gauthier' },
  { key: 'lina', name: 'Lina Marchand' },
  { key: 'samuel', name: 'Samuel Duval' },
  { key: 'margaux', name: 'Margaux Renaud' },
  { key: 'adrien', name: 'Adrien Picard' },
  { key: 'mila', name: 'Mila Colin' },
  { key: 'bastien', name: 'Bastien Vidal' },
];

export interface CompanySeed {
  key: string;
  name: string;
  domain: string;
  customers: readonly { key: string; name: string }[];
}

/**
 * Three customer companies (CustomerAccount): invitees in a company's domain are linked to it. Each has at
 * least five people, so the per-company rows of the analytics are not suppressed (fewer than five people).
 */
export const COMPANIES: readonly CompanySeed[] = [
  {
    key: 'velocity',
    name: 'Velocity Fleet Services',
    domain: 'velocityfleet.test',
    customers: [
      { key: 'emma', name: 'Emma Schmidt' },
      { key: 'daniel', name: 'Daniel Okafor' },
      { key: 'priya', name: 'Priya Raman' },
      { key: 'marco', name: 'Marco Bianchi' },
      { key: 'sven', name: 'Sven Lindqvist' },
      { key: 'aisha', name: 'Aisha Mensah' },
      { key: 'tomasz', name: 'Tomasz Nowak' },
      { key: 'lucia', name: 'Lucia Herrera' },
    ],
  },
  {
    key: 'cargo',
    name: 'Cargo Courier Coop',
    domain: 'cargocoop.test',
    customers: [
      { key: 'jonas', name: 'Jonas Weber' },
      { key: 'fatou', name: 'Fatou Sow' },
      { key: 'liam', name: "Liam O'Brien" },
      { key: 'ana', name: 'Ana Costa' },
      { key: 'yuki', name: 'Yuki Tanaka' },
    ],
  },
  {
    key: 'alpine',
    name: 'Alpine Rentals',
    domain: 'alpinerentals.test',
    customers: [
      { key: 'nina', name: 'Nina Keller' },
      { key: 'luca', name: 'Luca Ferrari' },
      { key: 'heidi', name: 'Heidi Baumann' },
      { key: 'pierre', name: 'Pierre Favre' },
      { key: 'matteo', name: 'Matteo Conti' },
    ],
  },
];

/** `firstname.lastname@domain`, without accents or punctuation. */
export function emailOf(name: string, domain: string): string {
  const local = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z ]/g, '')
    .trim()
    .split(/\s+/)
    .join('.');
  return `${local}@${domain}`;
}

export interface SpaceSeed {
  key: string;
  name: string;
  description: string;
  kind: SpaceKind;
  visibility: SpaceVisibility;
  creator: string;
  /** When it is created: day of the demo timeline and hour. */
  day: number;
  hour: number;
  consentText?: string;
  /** Employees who join it themselves (open spaces; org admins may join any space). */
  joiners?: readonly string[];
  /** Employees invited to a private hybrid space, who accept (no consent asked of employees). */
  invitedEmployees?: readonly string[];
  /** Members the creator then makes MODERATOR. */
  moderators?: readonly string[];
  /** Customers invited (by the first moderator, from this time on) who accept with explicit consent. */
  customers?: readonly string[];
  customersInvited?: { day: number; hour: number };
}

export const SPACES: readonly SpaceSeed[] = [
  {
    key: 'general',
    name: 'General',
    description: 'Company news and everything that concerns all of us.',
    kind: 'INTERNAL',
    visibility: 'OPEN',
    creator: 'camille',
    day: 3,
    hour: 10,
    joiners: [
      'hugo',
      'sofia',
      'thomas',
      'lea',
      'julien',
      'amina',
      'lucas',
      'chloe',
      'mehdi',
      'sarah',
      'nicolas',
      'ines',
      'antoine',
      'manon',
      'karim',
      'elodie',
      'maxime',
      'yasmine',
      'paul',
      'clara',
      'louis',
      'jade',
      'zoe',
      'emilie',
      'louise',
      'victor',
      'nora',
      'lina',
      'samuel',
      'adrien',
    ],
  },
  {
    key: 'leadership',
    name: 'Leadership team',
    description: 'Board preparation and decisions that are not public yet.',
    kind: 'INTERNAL',
    visibility: 'PRIVATE',
    creator: 'camille',
    day: 3,
    hour: 10.5,
    joiners: ['hugo'],
  },
  {
    key: 'cab',
    name: 'Customer Advisory Board',
    description: 'Where our key customers shape the roadmap with us.',
    kind: 'HYBRID',
    visibility: 'PRIVATE',
    creator: 'camille',
    day: 3,
    hour: 11,
    consentText:
      'By joining the Customer Advisory Board of Lumen Cycles, you agree that Lumen Cycles processes your name, ' +
      'your company and what you post, comment, react and vote in this space, in order to shape its products ' +
      'and services with you. Lumen Cycles employees who belong to the board and the other invited customers ' +
      'can read what you share here. Nothing you share is used for advertising. You can withdraw this consent ' +
      'at any time from the space: you then leave it at once; what you already shared stays, attributed to you.',
    invitedEmployees: ['lea', 'sofia', 'thomas', 'amina', 'clara', 'louise'],
    moderators: ['lea'],
    customers: ['emma', 'daniel', 'priya', 'marco', 'jonas', 'fatou', 'nina', 'heidi', 'sven', 'aisha'],
    customersInvited: { day: 4, hour: 9 },
  },
  {
    key: 'fleetlab',
    name: 'Fleet Innovation Lab',
    description: 'Co-creating the next generation of fleet e-bikes, chargers and tools with fleet operators.',
    kind: 'HYBRID',
    visibility: 'OPEN',
    creator: 'camille',
    day: 3,
    hour: 11.5,
    joiners: ['lea', 'thomas', 'nora', 'hamza', 'lucas', 'karim', 'ines', 'raphael', 'louise', 'gabriel'],
    moderators: ['lea'],
    customers: [
      'emma',
      'daniel',
      'priya',
      'marco',
      'jonas',
      'fatou',
      'liam',
      'ana',
      'sven',
      'aisha',
      'tomasz',
      'lucia',
      'yuki',
    ],
    customersInvited: { day: 4, hour: 14 },
  },
  {
    key: 'rental',
    name: 'Rental Partners Lounge',
    description: 'For the rental companies that run Lumen bikes: seasons, storage, pricing.',
    kind: 'HYBRID',
    visibility: 'PRIVATE',
    creator: 'hugo',
    day: 3,
    hour: 14,
    invitedEmployees: ['lea', 'sarah', 'nicolas', 'adrien'],
    moderators: ['lea'],
    customers: ['nina', 'luca', 'heidi', 'pierre', 'matteo'],
    customersInvited: { day: 5, hour: 10 },
  },
  {
    key: 'product',
    name: 'Product & Engineering',
    description: 'What we build, how we build it, and what we learn along the way.',
    kind: 'INTERNAL',
    visibility: 'OPEN',
    creator: 'thomas',
    day: 3,
    hour: 15,
    joiners: [
      'amina',
      'lucas',
      'antoine',
      'maxime',
      'clara',
      'louis',
      'hamza',
      'gabriel',
      'nora',
      'theo',
      'yasmine',
      'mila',
      'julien',
      'paul',
    ],
  },
  {
    key: 'ideas',
    name: 'Idea Box',
    description: 'Propose, discuss and vote. Léa moves ideas through the funnel and explains every decision.',
    kind: 'INTERNAL',
    visibility: 'OPEN',
    creator: 'lea',
    day: 3,
    hour: 16,
    joiners: [
      'camille',
      'sofia',
      'thomas',
      'julien',
      'mehdi',
      'karim',
      'chloe',
      'zoe',
      'arthur',
      'paul',
      'maxime',
      'mila',
      'amina',
      'manon',
      'jade',
      'alice',
      'bastien',
      'theo',
      'samuel',
    ],
  },
  {
    key: 'bikeclub',
    name: 'Bike Club',
    description: 'Rides, repairs and everything on two wheels, after hours.',
    kind: 'INTERNAL',
    visibility: 'OPEN',
    creator: 'victor',
    day: 3,
    hour: 17,
    joiners: ['adrien', 'bastien', 'mila', 'julien', 'paul', 'theo', 'alice', 'gabriel', 'hamza', 'lina', 'karim'],
  },
];

/** One person per persona, printed with the password. */
export const PERSONAS: readonly { persona: string; key: string }[] = [
  { persona: 'Admin (organization owner)', key: 'camille' },
  { persona: 'Manager (analytics)', key: 'sofia' },
  { persona: 'Community manager (space moderator)', key: 'lea' },
  { persona: 'Employee', key: 'julien' },
  { persona: 'Customer (Velocity Fleet Services)', key: 'emma' },
];

/** A customer who later withdraws their consent to one space, and an invitation still waiting to be accepted. */
export const WITHDRAWAL = { customer: 'nina', space: 'cab', day: 30, hour: 18 } as const;
export const PENDING_INVITATION = { customer: 'emma', space: 'rental', by: 'lea', day: 33, hour: 10 } as const;
