import { Field, ID, InputType, registerEnumType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsFQDN,
  IsIn,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { NameText } from '@ruche/graphql';
import { ORG_ROLES, type OrgRole } from '@ruche/policy';

export const OrgRoleEnum = Object.fromEntries(ORG_ROLES.map((r) => [r, r])) as { [R in OrgRole]: R };
registerEnumType(OrgRoleEnum, {
  name: 'OrgRole',
  description: 'OWNER, ADMIN, MANAGER and MEMBER are employees; CUSTOMER is an external invited to hybrid spaces.',
});

@InputType()
export class CreateOrganizationInput {
  @NameText() @Field() @IsString() @Length(1, 120) name!: string;

  @Field(() => [String], {
    nullable: true,
    description:
      'E-mail domains whose verified addresses join as employees. Only your own verified domain can be claimed.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  @IsFQDN({}, { each: true, message: 'each domain must be a valid domain name' })
  emailDomains?: string[];
}

@InputType()
export class AddOrganizationMemberInput {
  @Field(() => ID) @IsString() @MaxLength(200) organizationId!: string;
  @Field({ nullable: true, description: 'E-mail of an existing account (give this or userId).' })
  @ValidateIf((input: AddOrganizationMemberInput) => input.userId === undefined || input.email !== undefined)
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be a valid e-mail address' })
  email?: string;
  @Field(() => ID, { nullable: true, description: 'Id of an existing account (give this or email).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  userId?: string;
  @Field(() => OrgRoleEnum, { defaultValue: 'MEMBER' }) @IsOptional() @IsIn(ORG_ROLES) role!: OrgRole;
}

@InputType()
export class SetOrganizationRoleInput {
  @Field(() => ID) @IsString() @MaxLength(200) organizationId!: string;
  @Field(() => ID) @IsString() @MaxLength(200) userId!: string;
  @Field(() => OrgRoleEnum) @IsIn(ORG_ROLES) role!: OrgRole;
}
