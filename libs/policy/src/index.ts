export * from './organization.policy';
