import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Node } from '@ruche/graphql';
import { toGlobalId } from '@ruche/kernel';
import type { OrganizationWithRole } from '../organizations/memberships';
import type { UserEntity } from './account.entities';

@ObjectType({ implements: () => [Node], description: 'A person. E-mail is shown only to the person themself.' })
export class User {
  @Field(() => ID) id!: string;
  @Field() displayName!: string;
  @Field(() => String, { nullable: true, description: 'Only visible to the user themself.' }) email!: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Only visible to the user themself.' })
  emailVerified!: boolean | null;
  @Field() createdAt!: Date;

  /** Internal: the uuid, for field resolvers. */
  userId!: string;
  /** Internal: the viewer's organizations and roles, read with the user by `me` (else asked by the field). */
  organizationsOfViewer?: OrganizationWithRole[];

  static from(row: UserEntity, viewerId: string | null): User {
    const self = row.id === viewerId;
    return Object.assign(new User(), {
      id: toGlobalId('User', row.id),
      userId: row.id,
      displayName: row.displayName,
      email: self ? row.email : null,
      emailVerified: self ? row.emailVerifiedAt !== null : null,
      createdAt: row.createdAt,
    });
  }
}

@ObjectType()
export class AuthPayload {
  @Field({ description: 'Short-lived JWT; send as `Authorization: Bearer <token>`.' }) accessToken!: string;
  @Field() accessTokenExpiresAt!: Date;
  @Field(() => String, {
    nullable: true,
    description:
      'Opaque, single use: exchange it with refreshSession for a new pair. Null for browser sessions ' +
      '(`x-ruche-session: cookie`), whose refresh token is an HttpOnly cookie.',
  })
  refreshToken!: string | null;
  @Field(() => User) user!: User;
}

@ObjectType()
export class VerifyEmailPayload {
  @Field(() => User) user!: User;
}
