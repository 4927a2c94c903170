import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, type Viewer } from '@ruche/auth';
import { ConnectionArgs, toConnection, type Connection, type GraphQLContext } from '@ruche/graphql';
import { User, UsersLoader } from '@ruche/identity';
import { Clock } from '@ruche/kernel';
import { imagesOf, Uploads } from '@ruche/media';
import { commentAbilities, postAbilities, spaceContentAbilities, type SpaceContentAbilities } from '@ruche/policy';
import { SpaceAbilities } from '@ruche/spaces';
import {
  AddCommentInput,
  Comment,
  CommentAbilities,
  CommentConnection,
  CommentPayload,
  CommentsService,
  UpdateCommentInput,
} from './comments';
import { CreatePostInput, FeedArgs, PinPostInput, ReactInput, UpdatePostInput } from './post.inputs';
import { ContentAccess } from './content-access';
import {
  Image,
  Post,
  PostAbilities,
  PostConnection,
  PostPayload,
  PostRevision,
  PostRevisionConnection,
} from './post.types';
import { PostsService } from './posts.service';

const VIEWER_CAN = 'What the viewer may do with it: each flag is the decision the operation itself takes.';

@Resolver(() => Post)
export class PostsResolver {
  constructor(
    private readonly posts: PostsService,
    private readonly commentService: CommentsService,
    private readonly uploads: Uploads,
    private readonly access: ContentAccess,
    private readonly clock: Clock,
  ) {}

  @Mutation(() => PostPayload, {
    description: 'Members of a space post in it (employees in any space they read); announcements by its moderators.',
  })
  async createPost(@CurrentViewer() viewer: Viewer, @Args('input') input: CreatePostInput): Promise<PostPayload> {
    return { post: await this.posts.create(viewer.userId, input) };
  }

  @Mutation(() => PostPayload, { description: 'The author, or a moderator of the space (shown as such).' })
  async updatePost(@CurrentViewer() viewer: Viewer, @Args('input') input: UpdatePostInput): Promise<PostPayload> {
    return { post: await this.posts.update(viewer.userId, input) };
  }

  @Mutation(() => PostPayload, { description: 'Soft delete: the post becomes a tombstone, its comments stay.' })
  async deletePost(
    @CurrentViewer() viewer: Viewer,
    @Args('postId', { type: () => ID }) postId: string,
  ): Promise<PostPayload> {
    return { post: await this.posts.remove(viewer.userId, postId) };
  }

  @Mutation(() => PostPayload, { description: 'Moderators pin a post at the top of its space (or unpin it).' })
  async pinPost(@CurrentViewer() viewer: Viewer, @Args('input') input: PinPostInput): Promise<PostPayload> {
    return { post: await this.posts.pin(viewer.userId, input.postId, input.pinned) };
  }

  @Query(() => Post, { description: 'NOT_FOUND for a post the viewer cannot read, exactly as for a missing one.' })
  post(@CurrentViewer() viewer: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Post> {
    return this.posts.get(viewer.userId, id);
  }

  @Query(() => PostConnection, { description: 'One space, or every space the viewer can read; NEW, TOP or TRENDING.' })
  feed(@CurrentViewer() viewer: Viewer, @Args() args: FeedArgs): Promise<Connection<Post>> {
    return this.posts.feed(viewer.userId, args);
  }

  @Mutation(() => PostPayload, { description: 'One reaction per person and post: reacting again changes its kind.' })
  async react(@CurrentViewer() viewer: Viewer, @Args('input') input: ReactInput): Promise<PostPayload> {
    return { post: await this.posts.react(viewer.userId, input.postId, input.kind) };
  }

  @Mutation(() => PostPayload)
  async unreact(
    @CurrentViewer() viewer: Viewer,
    @Args('postId', { type: () => ID }) postId: string,
  ): Promise<PostPayload> {
    return { post: await this.posts.unreact(viewer.userId, postId) };
  }

  @ResolveField(() => CommentConnection, { description: 'Oldest first; answers carry their parent id.' })
  comments(
    @CurrentViewer() viewer: Viewer,
    @Parent() post: Post,
    @Args() args: ConnectionArgs,
  ): Promise<Connection<Comment>> {
    return this.commentService.forPost(viewer.userId, post.postId, args);
  }

  @ResolveField(() => [Image], { description: 'Images of the post, batched per request (one query per page).' })
  images(@Parent() post: Post, @Context() ctx: GraphQLContext): Promise<Image[]> {
    if (post.preload?.images) return Promise.resolve(imagesOf(post.preload.images));
    return ctx.loaders.get<string, Image[]>('postImages', (ids) => this.uploads.forPost(ids)).load(post.postId);
  }

  @ResolveField(() => PostRevisionConnection, { description: 'Earlier versions, oldest first ("edited" history).' })
  async revisions(@Parent() post: Post, @Args() args: ConnectionArgs): Promise<Connection<PostRevision>> {
    // A deleted post keeps no readable history: its earlier versions go with it.
    if (post.deleted)
      return toConnection(
        [],
        args,
        () => [],
        (r: PostRevision) => r,
      );
    return this.posts.revisions(post.postId, args);
  }

  @ResolveField(() => PostAbilities, { description: VIEWER_CAN })
  async viewerCan(
    @CurrentViewer() viewer: Viewer,
    @Parent() post: Post,
    @Context() ctx: GraphQLContext,
  ): Promise<PostAbilities> {
    // Read with the post by the feed or the mutation, if it was; otherwise batched per page.
    const standing = post.preload
      ? post.preload.standing
      : await this.access.standing(ctx.loaders, viewer.userId, post.spaceUuid);
    const facts = { isAuthor: post.authorId === viewer.userId, deleted: post.deleted, kind: post.kind };
    return postAbilities(standing, facts, this.clock.now());
  }
}

@Resolver(() => PostRevision)
export class PostRevisionResolver {
  constructor(private readonly users: UsersLoader) {}

  @ResolveField(() => User, { nullable: true })
  editor(@Parent() revision: PostRevision, @CurrentViewer() viewer: Viewer, @Context() ctx: GraphQLContext) {
    return revision.editorId ? this.users.load(ctx.loaders, viewer.userId, revision.editorId) : null;
  }
}

@Resolver(() => Comment)
export class CommentsResolver {
  constructor(
    private readonly comments: CommentsService,
    private readonly access: ContentAccess,
    private readonly clock: Clock,
  ) {}

  @Mutation(() => CommentPayload, { description: 'Comment on a post, or answer a comment (parentId).' })
  async addComment(@CurrentViewer() viewer: Viewer, @Args('input') input: AddCommentInput): Promise<CommentPayload> {
    const { comment, post } = await this.comments.add(viewer.userId, input);
    return { comment, post };
  }

  @Mutation(() => Comment, { description: 'The author, or a moderator of the space.' })
  updateComment(@CurrentViewer() viewer: Viewer, @Args('input') input: UpdateCommentInput): Promise<Comment> {
    return this.comments.update(viewer.userId, input);
  }

  @Mutation(() => Comment, { description: 'Soft delete: the comment stays as a tombstone in the thread.' })
  deleteComment(
    @CurrentViewer() viewer: Viewer,
    @Args('commentId', { type: () => ID }) commentId: string,
  ): Promise<Comment> {
    return this.comments.remove(viewer.userId, commentId);
  }

  @ResolveField(() => CommentAbilities, { description: VIEWER_CAN })
  async viewerCan(
    @CurrentViewer() viewer: Viewer,
    @Parent() comment: Comment,
    @Context() ctx: GraphQLContext,
  ): Promise<CommentAbilities> {
    const standing = await this.access.standing(ctx.loaders, viewer.userId, comment.spaceUuid);
    return commentAbilities(
      standing,
      { isAuthor: comment.authorId === viewer.userId, deleted: comment.deleted },
      { isAuthor: comment.post.authorId === viewer.userId, deleted: comment.post.deleted },
      this.clock.now(),
    );
  }
}

/** The space flags of the content domain, on the spaces domain's `SpaceAbilities`. */
@Resolver(() => SpaceAbilities)
export class SpaceContentAbilitiesResolver {
  constructor(
    private readonly access: ContentAccess,
    private readonly clock: Clock,
  ) {}

  private async flags(viewer: Viewer, abilities: SpaceAbilities, ctx: GraphQLContext): Promise<SpaceContentAbilities> {
    const standing = await this.access.standing(ctx.loaders, viewer.userId, abilities.spaceId);
    return spaceContentAbilities(standing, this.clock.now());
  }

  @ResolveField(() => Boolean, { description: 'createPost (discussions, questions, ideas).' })
  async post(@CurrentViewer() viewer: Viewer, @Parent() abilities: SpaceAbilities, @Context() ctx: GraphQLContext) {
    return (await this.flags(viewer, abilities, ctx)).post;
  }

  @ResolveField(() => Boolean, { description: 'createPost of kind ANNOUNCEMENT.' })
  async postAnnouncement(
    @CurrentViewer() viewer: Viewer,
    @Parent() abilities: SpaceAbilities,
    @Context() ctx: GraphQLContext,
  ) {
    return (await this.flags(viewer, abilities, ctx)).postAnnouncement;
  }

  @ResolveField(() => Boolean, { description: 'createCampaign.' })
  async createCampaign(
    @CurrentViewer() viewer: Viewer,
    @Parent() abilities: SpaceAbilities,
    @Context() ctx: GraphQLContext,
  ) {
    return (await this.flags(viewer, abilities, ctx)).createCampaign;
  }

  @ResolveField(() => Boolean, { description: 'moderationQueue of the space, and resolveReport.' })
  async moderate(@CurrentViewer() viewer: Viewer, @Parent() abilities: SpaceAbilities, @Context() ctx: GraphQLContext) {
    return (await this.flags(viewer, abilities, ctx)).moderate;
  }
}
