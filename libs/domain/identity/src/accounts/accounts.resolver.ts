import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { UseGuards } from '@nestjs/common';
import { CurrentViewer, Public, type Viewer } from '@ruche/auth';
import { AppConfig } from '@ruche/config';
import { GqlThrottlerGuard, OkPayload, type GraphQLContext } from '@ruche/graphql';
import { DomainError, notFound, unauthenticated } from '@ruche/kernel';
import { RefreshSessionInput, SignInInput, SignOutInput, SignUpInput, VerifyEmailInput } from './account.inputs';
import { AuthPayload, User, VerifyEmailPayload } from './account.types';
import { AccountsService, type SignedIn } from './accounts.service';
import { clearRefreshCookie, refreshTokenFromCookie, setRefreshCookie, wantsCookieSession } from './session-cookie';

@Resolver()
export class AccountsResolver {
  constructor(
    private readonly accounts: AccountsService,
    private readonly config: AppConfig,
  ) {}

  /** The token pair as the client asked for it: in the answer, or the refresh token in the session cookie. */
  private toPayload(result: SignedIn, ctx: GraphQLContext, fromCookie = false): AuthPayload {
    // A token that came from the cookie goes back into the cookie, never into an answer a page script reads.
    const cookie = fromCookie || wantsCookieSession(ctx.req);
    if (cookie) setRefreshCookie(ctx.res, this.config, result.refreshToken);
    return {
      accessToken: result.accessToken,
      accessTokenExpiresAt: result.accessTokenExpiresAt,
      refreshToken: cookie ? null : result.refreshToken,
      user: User.from(result.user, result.user.id),
    };
  }

  @Public()
  @UseGuards(GqlThrottlerGuard)
  @Mutation(() => AuthPayload, {
    description: 'Creates an account, signs it in and mails an e-mail verification link.',
  })
  async signUp(@Args('input') input: SignUpInput, @Context() ctx: GraphQLContext): Promise<AuthPayload> {
    return this.toPayload(await this.accounts.signUp(input), ctx);
  }

  @Public()
  @UseGuards(GqlThrottlerGuard)
  @Mutation(() => AuthPayload)
  async signIn(@Args('input') input: SignInInput, @Context() ctx: GraphQLContext): Promise<AuthPayload> {
    return this.toPayload(await this.accounts.signIn(input), ctx);
  }

  @Public()
  @UseGuards(GqlThrottlerGuard)
  @Mutation(() => AuthPayload, {
    description:
      'Exchanges a refresh token (single use) for a new token pair; without one, the session cookie of a browser.',
  })
  async refreshSession(
    @Args('input') input: RefreshSessionInput,
    @Context() ctx: GraphQLContext,
  ): Promise<AuthPayload> {
    const fromCookie = !input.refreshToken;
    const token = input.refreshToken ?? refreshTokenFromCookie(ctx.req);
    if (!token) throw unauthenticated('No session', 'INVALID_REFRESH_TOKEN');
    try {
      return this.toPayload(await this.accounts.refreshSession(token), ctx, fromCookie);
    } catch (error) {
      // Only a refused token ends the browser session; a database blip must not sign everyone out.
      if (fromCookie && error instanceof DomainError && error.code === 'UNAUTHENTICATED') {
        clearRefreshCookie(ctx.res, this.config);
      }
      throw error;
    }
  }

  @Mutation(() => OkPayload, { description: 'Ends this session, or every session with `everywhere: true`.' })
  async signOut(
    @CurrentViewer() viewer: Viewer,
    @Context() ctx: GraphQLContext,
    @Args('input', { type: () => SignOutInput, nullable: true }) input?: SignOutInput,
  ): Promise<OkPayload> {
    await this.accounts.signOut(viewer, input?.everywhere ?? false);
    clearRefreshCookie(ctx.res, this.config);
    return { ok: true };
  }

  @Public()
  @UseGuards(GqlThrottlerGuard)
  @Mutation(() => VerifyEmailPayload, {
    description: 'Confirms an e-mail address with the token from the mailed link.',
  })
  async verifyEmail(@Args('input') input: VerifyEmailInput): Promise<VerifyEmailPayload> {
    const user = await this.accounts.verifyEmail(input.token);
    return { user: User.from(user, user.id) };
  }

  @UseGuards(GqlThrottlerGuard)
  @Mutation(() => OkPayload, { description: 'Mails a new verification link to the signed-in user.' })
  async requestEmailVerification(@CurrentViewer() viewer: Viewer): Promise<OkPayload> {
    await this.accounts.requestEmailVerification(viewer.userId);
    return { ok: true };
  }

  @Query(() => User, { description: 'The signed-in user.' })
  async me(@CurrentViewer() viewer: Viewer): Promise<User> {
    const found = await this.accounts.findViewer(viewer.userId);
    if (!found) throw notFound('User');
    return Object.assign(User.from(found.user, viewer.userId), { organizationsOfViewer: found.organizations });
  }
}
