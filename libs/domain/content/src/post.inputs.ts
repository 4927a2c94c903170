import { applyDecorators } from '@nestjs/common';
import { ArgsType, Field, Float, ID, InputType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsBoolean,
  IsArray,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Max,
  Min,
} from 'class-validator';
import { ConnectionArgs, MultilineText } from '@ruche/graphql';
import {
  IDEA_STATUSES,
  POST_KINDS,
  REACTION_KINDS,
  type IdeaStatus,
  type PostKind,
  type ReactionKind,
} from '@ruche/policy';
import {
  FEED_ORDERS,
  FeedOrderEnum,
  IdeaStatusEnum,
  PostKindEnum,
  ReactionKindEnum,
  type FeedOrder,
} from './post.types';

const ID_MAX = 200;
const TAG = /^[\p{L}\p{N}][\p{L}\p{N}_-]*$/u;
export const MENTIONS_DESCRIPTION = 'People (User ids, up to 20) to notify; only people who can read the space.';

/** The optional list fields posts share, validated the same way wherever they appear. */
const OptionalTags = (description?: string) =>
  applyDecorators(
    Field(() => [String], { nullable: true, description }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(10),
    IsString({ each: true }),
    Length(1, 40, { each: true }),
    Matches(TAG, { each: true, message: 'tags hold letters, digits, - and _ only' }),
  );
export const OptionalIds = (max: number, description: string) =>
  applyDecorators(
    Field(() => [ID], { nullable: true, description }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(max),
    IsString({ each: true }),
    MaxLength(ID_MAX, { each: true }),
  );
const IMAGES_DESCRIPTION = 'Images uploaded with POST /uploads (up to 10).';

@InputType()
export class CreatePostInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) spaceId!: string;
  @Field(() => PostKindEnum, { defaultValue: 'DISCUSSION' }) @IsOptional() @IsIn(POST_KINDS) kind!: PostKind;
  @Field() @IsString() @Length(1, 200) @Matches(/\S/, { message: 'must not be blank' }) title!: string;
  @MultilineText()
  @Field({ description: 'Markdown. Raw HTML is shown as text.' })
  @IsString()
  @MaxLength(40_000)
  body!: string;
  @OptionalTags('Up to 10 tags: letters, digits, - and _.') tags?: string[];
  @OptionalIds(10, IMAGES_DESCRIPTION) imageIds?: string[];
  @OptionalIds(20, MENTIONS_DESCRIPTION) mentions?: string[];
  @Field(() => ID, { nullable: true, description: 'Ideas: the campaign they answer.' })
  @IsOptional()
  @IsString()
  @MaxLength(ID_MAX)
  campaignId?: string;
}

@InputType({ description: 'Only the fields given change; the previous version is kept as a revision.' })
export class UpdatePostInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) postId!: string;
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'must not be blank' })
  title?: string;
  @MultilineText() @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(40_000) body?: string;
  @OptionalTags() tags?: string[];
  @OptionalIds(10, IMAGES_DESCRIPTION) imageIds?: string[];
  @OptionalIds(20, `${MENTIONS_DESCRIPTION} Replaces the list; only new ones are notified.`) mentions?: string[];
}

@InputType()
export class PinPostInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) postId!: string;
  @Field({ defaultValue: true }) @IsOptional() @IsBoolean() pinned!: boolean;
}

@InputType()
export class ReactInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) postId!: string;
  @Field(() => ReactionKindEnum) @IsIn(REACTION_KINDS) kind!: ReactionKind;
}

@ArgsType()
export class FeedArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true, description: 'One space; every space the viewer can read when omitted.' })
  @IsOptional()
  @IsString()
  @MaxLength(ID_MAX)
  spaceId?: string;
  @Field(() => FeedOrderEnum, { defaultValue: 'NEW' }) @IsOptional() @IsIn(FEED_ORDERS) order!: FeedOrder;
  @Field(() => String, { nullable: true, description: 'Only posts with this tag.' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  tag?: string;
}

@ArgsType()
export class IdeasArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true, description: 'One space; every space the viewer can read when omitted.' })
  @IsOptional()
  @IsString()
  @MaxLength(ID_MAX)
  spaceId?: string;
  @Field(() => IdeaStatusEnum, { nullable: true }) @IsOptional() @IsIn(IDEA_STATUSES) status?: IdeaStatus;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MaxLength(ID_MAX) campaignId?: string;
  @Field(() => FeedOrderEnum, { defaultValue: 'TOP' }) @IsOptional() @IsIn(FEED_ORDERS) order!: FeedOrder;
}

@InputType()
export class ChangeIdeaStatusInput {
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) ideaId!: string;
  @Field(() => IdeaStatusEnum) @IsIn(IDEA_STATUSES) status!: IdeaStatus;
  @MultilineText()
  @Field({ description: 'Why: shown to the submitter, voters and commenters.' })
  @IsString()
  @Length(1, 5000)
  note!: string;
  @Field(() => Float, { nullable: true, description: 'Estimated value, for ROI.' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(999_999_999_999)
  estimatedValue?: number;
}

@InputType()
export class MergeIdeasInput {
  @Field(() => ID, { description: 'The duplicate: its votes and followers move, it then points to the target.' })
  @IsString()
  @MaxLength(ID_MAX)
  sourceId!: string;
  @Field(() => ID) @IsString() @MaxLength(ID_MAX) targetId!: string;
  @MultilineText() @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 5000) note?: string;
}
