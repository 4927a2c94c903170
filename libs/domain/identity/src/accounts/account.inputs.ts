import { Field, InputType } from '@nestjs/graphql';
import { IsBoolean, IsEmail, IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { NameText } from '@ruche/graphql';

const PASSWORD_MIN = 8;
const PASSWORD_MAX = 256;

@InputType()
export class SignUpInput {
  @Field() @IsString() @MaxLength(254) @IsEmail({}, { message: 'must be a valid e-mail address' }) email!: string;
  @Field({ description: `${PASSWORD_MIN} to ${PASSWORD_MAX} characters.` })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(PASSWORD_MAX)
  password!: string;
  @NameText() @Field() @IsString() @Length(1, 80) displayName!: string;
}

@InputType()
export class SignInInput {
  @Field() @IsString() @MaxLength(254) @IsEmail({}, { message: 'must be a valid e-mail address' }) email!: string;
  @Field() @IsString() @MinLength(1) @MaxLength(PASSWORD_MAX) password!: string;
}

@InputType()
export class RefreshSessionInput {
  @Field({ nullable: true, description: 'Omitted by browsers: the session cookie is used instead.' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  refreshToken?: string;
}

@InputType()
export class SignOutInput {
  @Field({ defaultValue: false, description: 'End every session of this account, on every device.' })
  @IsOptional()
  @IsBoolean()
  everywhere?: boolean;
}

@InputType()
export class VerifyEmailInput {
  @Field() @IsString() @Length(1, 128) token!: string;
}
