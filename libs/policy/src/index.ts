export * from './organization.policy';
export * from './space.policy';
export * from './content.policy';
export * from './moderation.policy';
export * from './abilities.policy';
export * from './analytics.policy';
