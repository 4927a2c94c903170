import { CreateIdentity1764000000000 } from './1764000000000-CreateIdentity';

/** Every migration, in order. A test checks that each file in this folder is listed here. */
export const migrations = [CreateIdentity1764000000000];
