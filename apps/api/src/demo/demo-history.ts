import type { KpiMetric, ObjectiveKind } from '@ruche/analytics';
import type { PostKind } from '@ruche/policy';

/**
 * The everyday history of the demo organization (`npm run seed:demo`), around the hand-written stories of
 * demo-content.ts: what a community of this size produces in three months, generated from these pools by the
 * seeded generator (same texts, people and days on every run). Days are days of the demo timeline (day 0 is
 * 90 days ago).
 */

/** The generated history runs from the launch (day 5) to the present. */
export const HISTORY_START = 6;

/** The campaign of the spike: customers and employees co-create the next range, for a week. */
export const RANGE_CAMPAIGN = {
  key: 'range2027',
  space: 'fleetlab',
  by: 'lea',
  day: 61,
  hour: 9,
  days: 8,
  title: 'Co-create the 2027 range',
  question: 'What should the 2027 fleet e-bike do that no bike does today?',
} as const;

/** How much each space gets of the everyday activity, and which kinds of posts people write there. */
export interface HistorySpace {
  key: string;
  /** Relative share of the day's new posts. */
  weight: number;
  kinds: Partial<Record<PostKind, number>>;
  subjects: readonly string[];
}

export const HISTORY_SPACES: readonly HistorySpace[] = [
  {
    key: 'general',
    weight: 2,
    kinds: { DISCUSSION: 3, QUESTION: 2, ANNOUNCEMENT: 1 },
    subjects: [
      'the new canteen menu',
      'the Lyon office move',
      'the quarterly all-hands',
      'parking for cargo bikes',
      'the onboarding buddy programme',
      'remote Fridays',
      'the summer party',
      'the expense tool',
      'the charity ride',
      'the new coffee machine',
    ],
  },
  {
    key: 'product',
    weight: 2.5,
    kinds: { DISCUSSION: 3, QUESTION: 3, ANNOUNCEMENT: 1 },
    subjects: [
      'the motor firmware 4.2',
      'the torque sensor supplier',
      'brake pad wear tests',
      'the frame fatigue bench',
      'the battery management system',
      'the fleet dashboard API',
      'our CI for the firmware',
      'the cargo rack load test',
      'the new display unit',
      'waterproofing the connectors',
      'the spare parts catalogue',
      'the assembly line in Valence',
    ],
  },
  {
    key: 'ideas',
    weight: 1.5,
    kinds: { IDEA: 4, QUESTION: 1 },
    subjects: [
      'a repair café in every store',
      'refurbished bikes as a second line',
      'a bike-to-work bonus',
      'reusable shipping crates',
      'a customer pick-up point at the factory',
      'QR codes on every spare part',
      'a yearly riders’ day',
      'solar panels on the warehouse roof',
      'a mentoring scheme for new technicians',
      'a shared tool library',
    ],
  },
  {
    key: 'bikeclub',
    weight: 1,
    kinds: { DISCUSSION: 3, QUESTION: 1 },
    subjects: [
      'the Sunday ride to the lake',
      'tubeless tyres',
      'winter gloves',
      'the gravel loop behind the factory',
      'a chain-cleaning session',
      'the night ride',
      'bikepacking bags',
    ],
  },
  {
    key: 'fleetlab',
    weight: 3,
    kinds: { IDEA: 3, QUESTION: 3, DISCUSSION: 2 },
    subjects: [
      'battery swap stations',
      'telematics for theft alerts',
      'the fleet maintenance app',
      'puncture-proof tyres',
      'rider login by badge',
      'charging cabinets for depots',
      'winter range',
      'a heavier cargo box',
      'predictive maintenance alerts',
      'brake wear reports',
      'spare batteries on subscription',
      'rider training videos',
    ],
  },
  {
    key: 'cab',
    weight: 1.5,
    kinds: { DISCUSSION: 3, QUESTION: 2, IDEA: 1 },
    subjects: [
      'the service level for repairs',
      'next year’s price list',
      'delivery lead times',
      'the warranty extension',
      'the shared roadmap',
      'a fleet buy-back programme',
      'the annual customer day',
    ],
  },
  {
    key: 'rental',
    weight: 1.2,
    kinds: { QUESTION: 3, DISCUSSION: 2, IDEA: 1 },
    subjects: [
      'winter storage',
      'seasonal pricing',
      'child seats',
      'the booking integration',
      'tourist maps on the display',
      'damage deposits',
      'battery care off-season',
    ],
  },
];

/** Titles and bodies per kind; `{s}` is the subject. */
export const HISTORY_TEXTS: Record<PostKind, { titles: readonly string[]; bodies: readonly string[] }> = {
  DISCUSSION: {
    titles: [
      'Notes on {s}',
      'What we learned about {s}',
      'Your experience with {s}?',
      'A quick update on {s}',
      'Thoughts on {s}',
      'Let’s talk about {s}',
    ],
    bodies: [
      'We have been looking at {s} for a few weeks. Here is where we are, and what we still do not know.\n\nComments welcome!',
      'A short summary of **{s}** after this week:\n\n- what works\n- what does not yet\n- what we try next',
      'Curious how others see {s}. What would you change first?',
      'Sharing a few observations on {s}, from the field. Happy to go into details if useful.',
    ],
  },
  QUESTION: {
    titles: [
      'How do you handle {s}?',
      'Anyone has tips on {s}?',
      'Who knows more about {s}?',
      'Question about {s}',
      'Is there a guide for {s}?',
    ],
    bodies: [
      'We are struggling a bit with {s}. How do you do it on your side?',
      'Quick question: what is the recommended way to deal with {s}? I could not find it in the docs.',
      'Before we decide anything on {s}, I would like to hear from someone who has done it.',
    ],
  },
  IDEA: {
    titles: ['Idea: {s}', 'What about {s}?', 'Proposal: {s}', 'Let’s try {s}'],
    bodies: [
      'Proposal: **{s}**. It would save time for riders and for our teams, and it is cheap to test on one site.',
      'I think {s} would make a real difference. A pilot over one month would tell us if it is worth it.',
      'Idea for {s}:\n\n1. start small\n2. measure\n3. roll out if it works',
    ],
  },
  ANNOUNCEMENT: {
    titles: ['Update: {s}', 'Now live: {s}', 'Reminder about {s}'],
    bodies: [
      'Good news on {s}: it is ready. Details and dates below, questions in the comments.',
      'A reminder about {s}: please have a look before the end of the week.',
    ],
  },
};

/** Ideas customers and employees send to the 2027 range campaign. */
export const RANGE_IDEAS: readonly string[] = [
  'swappable batteries that fit every frame size',
  'a built-in GPS tracker that survives a battery swap',
  'a frame that takes a child seat and a cargo box',
  'brakes that report their own wear',
  'a motor mode for steep depot ramps',
  'lights that stay on for an hour without the battery',
  'a lock integrated in the rear wheel',
  'tyres rated for 10,000 km',
  'a dashboard that shows each bike’s health',
  'a step-through frame for every fleet model',
  'USB-C charging for the rider’s phone',
  'a modular rack for parcels and groceries',
  'a 20 % lighter battery',
  'over-the-air firmware updates',
  'reflective paint on the whole frame',
  'an app to book a repair slot',
];

/** What employees answer customers and colleagues. */
export const ANSWERS: readonly string[] = [
  'Good question! The short answer: yes, and I will send you the procedure by the end of the day.',
  'We have seen this before: the fix is in the next firmware, due in two weeks. Meanwhile, a restart helps.',
  'Thanks for raising it. I checked with the workshop: we can do it, let’s set up a call.',
  'Here is how we handle it in our depots: a weekly check, and a spare on site. Works well so far.',
  'Sorry for the delay! The team confirmed it, the documentation is updated now.',
  'I am on it: expect an answer from engineering tomorrow.',
];

/** Follow-ups in a thread, by anyone. */
export const REPLIES: readonly string[] = [
  'Thanks, that helps a lot.',
  'Same here, following this one.',
  'We tried it last month: it works.',
  'Could you share the document?',
  '+1, this would help our riders too.',
  'Interesting, I did not know that.',
  'Let’s discuss it at the next meeting.',
  'Great, thank you for the quick answer!',
];

/** Notes for each step of an idea through the funnel. */
export const STATUS_NOTES: Record<
  'UNDER_REVIEW' | 'PLANNED' | 'IN_PROGRESS' | 'IMPLEMENTED' | 'DECLINED',
  readonly string[]
> = {
  UNDER_REVIEW: [
    'Thanks! We are looking at the costs with the product team.',
    'Many votes on this one: it goes to the next review.',
    'Interesting: we check the feasibility and come back to you.',
  ],
  PLANNED: [
    'Approved at the product review: planned for next quarter.',
    'We found a budget: it is on the roadmap.',
    'Planned: a first pilot with two depots.',
  ],
  IN_PROGRESS: [
    'Work has started: the pilot runs this month.',
    'In progress with the workshop team.',
    'Engineering is building it; first results in a few weeks.',
  ],
  IMPLEMENTED: [
    'Done! Available for every fleet from today.',
    'Shipped: thanks to everyone who voted and tested.',
    'Live in every store now. Tell us how it works for you.',
  ],
  DECLINED: [
    'We looked closely, but the cost outweighs the benefit for now.',
    'Not this year: it conflicts with the safety certification.',
    'Declined for now; we keep the idea for the next range.',
  ],
};

/** Weekly community-management hours per space (the community manager, or a manager for internal spaces). */
export const EFFORT: readonly { space: string; by: string; hours: number; note: string }[] = [
  { space: 'fleetlab', by: 'lea', hours: 8, note: 'Moderation, answers and the weekly digest' },
  { space: 'cab', by: 'lea', hours: 5, note: 'Board preparation and follow-ups' },
  { space: 'rental', by: 'lea', hours: 3, note: 'Answers and seasonal check-ins' },
  { space: 'ideas', by: 'lea', hours: 4, note: 'Idea reviews and status notes' },
  { space: 'general', by: 'sofia', hours: 2, note: 'Internal news and all-hands follow-up' },
];
/** What an hour of community management costs (EUR, loaded). */
export const EFFORT_HOURLY_COST = 55;

export interface KpiSeed {
  name: string;
  source: 'COMPUTED' | 'BUSINESS';
  metric?: KpiMetric;
  unit?: string;
  direction: 'INCREASE' | 'DECREASE';
  baseline?: number;
  target: number;
  period: 'WEEK' | 'MONTH' | 'QUARTER';
  unitValue?: number;
  space?: string;
  /** Business values for the last three complete months, oldest first. */
  values?: readonly [number, number, number];
  notes?: readonly [string, string, string];
}

export interface ObjectiveSeed {
  title: string;
  description: string;
  kind: ObjectiveKind;
  kpis: readonly KpiSeed[];
}

/** The manager's objectives (from the first month of the timeline to six months from now). */
export const OBJECTIVES: readonly ObjectiveSeed[] = [
  {
    title: 'Fewer product returns',
    description: 'Customers ask the community before sending a bike back: fewer returns, happier fleets.',
    kind: 'CUSTOMER_CARE',
    kpis: [
      {
        name: 'Product returns per month',
        source: 'BUSINESS',
        unit: 'returns',
        direction: 'DECREASE',
        baseline: 120,
        target: 80,
        period: 'MONTH',
        unitValue: 45,
        values: [114, 103, 91],
        notes: ['First month with the Fleet Lab FAQ', 'Battery questions answered in the lab', 'Firmware 4.2 helped'],
      },
    ],
  },
  {
    title: 'Co-create the 2027 range',
    description: 'Fleet operators and our teams shape the next range together, through the Fleet Innovation Lab.',
    kind: 'INNOVATION',
    kpis: [
      {
        name: 'Ideas per quarter',
        source: 'COMPUTED',
        metric: 'IDEAS',
        unit: 'ideas',
        direction: 'INCREASE',
        baseline: 10,
        target: 60,
        period: 'QUARTER',
      },
      {
        name: 'Customer share of ideas',
        source: 'COMPUTED',
        metric: 'CUSTOMER_SHARE_OF_IDEAS',
        unit: 'share',
        direction: 'INCREASE',
        baseline: 0.1,
        target: 0.4,
        period: 'QUARTER',
      },
      {
        name: 'Median first response',
        source: 'COMPUTED',
        metric: 'MEDIAN_FIRST_RESPONSE_HOURS',
        unit: 'hours',
        direction: 'DECREASE',
        baseline: 24,
        target: 6,
        period: 'QUARTER',
      },
    ],
  },
  {
    title: 'Grow brand advocates',
    description: 'More people, employees and customers, active in the community every month.',
    kind: 'AWARENESS',
    kpis: [
      {
        name: 'Active people per month',
        source: 'COMPUTED',
        metric: 'ACTIVE_PEOPLE',
        unit: 'people',
        direction: 'INCREASE',
        baseline: 20,
        target: 50,
        period: 'MONTH',
      },
      {
        name: 'Engagement score',
        source: 'COMPUTED',
        metric: 'ENGAGEMENT_SCORE',
        unit: 'points',
        direction: 'INCREASE',
        baseline: 0,
        target: 1500,
        period: 'MONTH',
      },
    ],
  },
  {
    title: 'New customers from the community',
    description: 'Fleets that signed after a referral or a conversation in our hybrid spaces.',
    kind: 'SALES',
    kpis: [
      {
        name: 'New customers from referrals',
        source: 'BUSINESS',
        unit: 'customers',
        direction: 'INCREASE',
        baseline: 0,
        target: 4,
        period: 'MONTH',
        unitValue: 2500,
        values: [1, 3, 4],
        notes: ['Referred by Velocity', 'Two from the rental lounge', 'After the customer day'],
      },
    ],
  },
];
