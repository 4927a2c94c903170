import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsFQDN,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ConnectionArgs, MultilineText, NameText } from '@ruche/graphql';
import { SPACE_KINDS, SPACE_VISIBILITIES, type SpaceKind, type SpaceVisibility } from '@ruche/policy';
import { SpaceKindEnum, SpaceRoleEnum, SpaceVisibilityEnum } from './space.types';

const ID_MAX = 200;

@InputType()
export class CreateSpaceInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) organizationId!: string;
  @Field() @IsString() @Length(1, 120) name!: string;
  @MultilineText() @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @Field(() => SpaceKindEnum) @IsIn(SPACE_KINDS) kind!: SpaceKind;
  @Field(() => SpaceVisibilityEnum) @IsIn(SPACE_VISIBILITIES) visibility!: SpaceVisibility;
  @Field({ nullable: true, defaultValue: false }) @IsOptional() @IsBoolean() membersCanInvite?: boolean;
  @MultilineText()
  @Field({
    nullable: true,
    description: 'Hybrid spaces: the consent text customers accept (a default is used otherwise).',
  })
  @IsOptional()
  @IsString()
  @Length(20, 10_000)
  consentText?: string;
}

@InputType({ description: 'Only the fields given change. A new consentText publishes a new policy version.' })
export class UpdateSpaceInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) spaceId!: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 120) name?: string;
  @MultilineText() @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @Field(() => SpaceVisibilityEnum, { nullable: true })
  @IsOptional()
  @IsIn(SPACE_VISIBILITIES)
  visibility?: SpaceVisibility;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() membersCanInvite?: boolean;
  @MultilineText() @Field({ nullable: true }) @IsOptional() @IsString() @Length(20, 10_000) consentText?: string;
}

@ArgsType()
export class SpacesArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true, description: 'Only the spaces of this organization.' })
  @IsOptional()
  @IsString()
  @MaxLength(ID_MAX)
  organizationId?: string;

  @Field(() => SpaceKindEnum, { nullable: true }) @IsOptional() @IsIn(SPACE_KINDS) kind?: SpaceKind;
}

@ArgsType()
export class SpaceMembersArgs extends ConnectionArgs {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) spaceId!: string;
}

@ArgsType()
export class CustomerAccountsArgs extends ConnectionArgs {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) organizationId!: string;
}

@InputType()
export class RemoveSpaceMemberInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) spaceId!: string;
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) userId!: string;
}

const ASSIGNABLE_SPACE_ROLES = ['OWNER', 'MODERATOR', 'MEMBER'] as const;

@InputType()
export class SetSpaceRoleInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) spaceId!: string;
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) userId!: string;
  @Field(() => SpaceRoleEnum, { description: 'OWNER, MODERATOR or MEMBER (customers keep CUSTOMER).' })
  @IsIn(ASSIGNABLE_SPACE_ROLES, { message: 'must be OWNER, MODERATOR or MEMBER' })
  role!: (typeof ASSIGNABLE_SPACE_ROLES)[number];
}

@InputType()
export class InviteToSpaceInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) spaceId!: string;
  @Field() @IsString() @MaxLength(254) @IsEmail({}, { message: 'must be a valid e-mail address' }) email!: string;
  @Field(() => ID, { nullable: true, description: "The invitee's company (found from the e-mail's domain otherwise)." })
  @IsOptional()
  @IsString()
  @MaxLength(ID_MAX)
  customerAccountId?: string;
  @MultilineText()
  @Field({ nullable: true, description: 'A personal note included in the e-mail.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  message?: string;
}

@InputType()
export class RevokeInvitationInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) invitationId!: string;
}

@InputType({ description: 'Explicit consent: `accepted: true` to the policy version that was shown.' })
export class ConsentInput {
  @Field() @IsBoolean() accepted!: boolean;
  @Field(() => Int) @IsInt() @Min(1) policyVersion!: number;
}

@InputType()
export class AcceptInvitationInput {
  @Field() @IsString() @Length(1, 200) token!: string;
  @Field(() => ConsentInput, { nullable: true, description: 'Required of customers.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentInput)
  consent?: ConsentInput;
}

@InputType()
export class RenewConsentInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) spaceId!: string;
  @Field(() => ConsentInput) @ValidateNested() @Type(() => ConsentInput) consent!: ConsentInput;
}

@InputType()
export class CreateCustomerAccountInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) organizationId!: string;
  @NameText() @Field() @IsString() @Length(1, 120) name!: string;
  @Field({ nullable: true, description: "The company's e-mail domain: invitees in it are linked automatically." })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  @IsFQDN({}, { message: 'must be a valid domain name' })
  domain?: string;
}
