import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { UseGuards } from '@nestjs/common';
import { CurrentViewer, Public, type Viewer } from '@ruche/auth';
import { GqlThrottlerGuard, OkPayload } from '@ruche/graphql';
import { notFound } from '@ruche/kernel';
import { RefreshSessionInput, SignInInput, SignOutInput, SignUpInput, VerifyEmailInput } from './account.inputs';
import { AuthPayload, User, VerifyEmailPayload } from './account.types';
import { AccountsService, type SignedIn } from './accounts.service';

function toPayload(result: SignedIn): AuthPayload {
  return {
    accessToken: result.accessToken,
    accessTokenExpiresAt: result.accessTokenExpiresAt,
    refreshToken: result.refreshToken,
    user: User.from(result.user, result.user.id),
  };
}

@Resolver()
export class AccountsResolver {
  constructor(private readonly accounts: AccountsService) {}

  @Public()
  @UseGuards(GqlThrottlerGuard)
  @Mutation(() => AuthPayload, { description: 'Creates an account, signs it in and mails an e-mail verification link.' })
  async signUp(@Args('input') input: SignUpInput): Promise<AuthPayload> {
    return toPayload(await this.accounts.signUp(input));
  }

  @Public()
  @UseGuards(GqlThrottlerGuard)
  @Mutation(() => AuthPayload)
  async signIn(@Args('input') input: SignInInput): Promise<AuthPayload> {
    return toPayload(await this.accounts.signIn(input));
  }

  @Public()
  @UseGuards(GqlThrottlerGuard)
  @Mutation(() => AuthPayload, { description: 'Exchanges a refresh token (single use) for a new token pair.' })
  async refreshSession(@Args('input') input: RefreshSessionInput): Promise<AuthPayload> {
    return toPayload(await this.accounts.refreshSession(input.refreshToken));
  }

  @Mutation(() => OkPayload, { description: 'Ends this session, or every session with `everywhere: true`.' })
  async signOut(
    @CurrentViewer() viewer: Viewer,
    @Args('input', { type: () => SignOutInput, nullable: true }) input?: SignOutInput,
  ): Promise<OkPayload> {
    await this.accounts.signOut(viewer, input?.everywhere ?? false);
    return { ok: true };
  }

  @Public()
  @UseGuards(GqlThrottlerGuard)
  @Mutation(() => VerifyEmailPayload, { description: 'Confirms an e-mail address with the token from the mailed link.' })
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
    const user = await this.accounts.findUser(viewer.userId);
    if (!user) throw notFound('User');
    return User.from(user, viewer.userId);
  }
}
