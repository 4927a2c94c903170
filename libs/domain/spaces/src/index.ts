export { SpacesModule } from './spaces.module';
export { SpaceAccess, type AuthorizedSpace } from './space-access';
export { Badge, CustomerAccount, Space } from './space.types';
