export { SpacesModule } from './spaces.module';
export { SpaceAccess } from './space-access';
export { Space } from './space.types';
