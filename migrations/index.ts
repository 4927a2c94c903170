import { CreateIdentity1764000000000 } from './1764000000000-CreateIdentity';
import { CreateSpaces1764100000000 } from './1764100000000-CreateSpaces';
import { CreateContent1764200000000 } from './1764200000000-CreateContent';
import { CreateUploads1764300000000 } from './1764300000000-CreateUploads';
import { CreateNotifications1764400000000 } from './1764400000000-CreateNotifications';
import { CreateModeration1764500000000 } from './1764500000000-CreateModeration';
import { CreateOutbox1764600000000 } from './1764600000000-CreateOutbox';
import { ReplayCommittedEvents1764650000000 } from './1764650000000-ReplayCommittedEvents';
import { AddUploadVariants1764660000000 } from './1764660000000-AddUploadVariants';
import { CreateEventConsumers1764700000000 } from './1764700000000-CreateEventConsumers';
import { CreateAnalytics1764710000000 } from './1764710000000-CreateAnalytics';
import { CreateOrganizationRollups1764720000000 } from './1764720000000-CreateOrganizationRollups';
import { FeedIndexWalks1764730000000 } from './1764730000000-FeedIndexWalks';
import { ActForSession1764731000000 } from './1764731000000-ActForSession';
import { CreateIdempotencyKeys1764740000000 } from './1764740000000-CreateIdempotencyKeys';
import { SequenceEventsAtRelay1764750000000 } from './1764750000000-SequenceEventsAtRelay';
import { CheaperCounters1764760000000 } from './1764760000000-CheaperCounters';
import { WakeRelayAfterCommit1764770000000 } from './1764770000000-WakeRelayAfterCommit';
import { NotificationGroups1764780000000 } from './1764780000000-NotificationGroups';

/** Every migration, in order. A test checks that each file in this folder is listed here. */
export const migrations = [
  CreateIdentity1764000000000,
  CreateSpaces1764100000000,
  CreateContent1764200000000,
  CreateUploads1764300000000,
  CreateNotifications1764400000000,
  CreateModeration1764500000000,
  CreateOutbox1764600000000,
  ReplayCommittedEvents1764650000000,
  AddUploadVariants1764660000000,
  CreateEventConsumers1764700000000,
  CreateAnalytics1764710000000,
  CreateOrganizationRollups1764720000000,
  FeedIndexWalks1764730000000,
  ActForSession1764731000000,
  CreateIdempotencyKeys1764740000000,
  SequenceEventsAtRelay1764750000000,
  CheaperCounters1764760000000,
  WakeRelayAfterCommit1764770000000,
  NotificationGroups1764780000000,
];
