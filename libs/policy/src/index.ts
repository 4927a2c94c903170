export * from './organization.policy';
export * from './space.policy';
