import { Injectable, Logger } from '@nestjs/common';
import { AuditTrail } from '@ruche/audit';
import { AppConfig } from '@ruche/config';
import { Db } from '@ruche/database';
import { Mailer } from '@ruche/mail';
import {
  Clock,
  conflict,
  DomainError,
  forbidden,
  hashSecretToken,
  newSecretToken,
  normalizeEmail,
  unauthenticated,
} from '@ruche/kernel';
import {
  Memberships,
  ORGANIZATIONS_OF_USER_JSON,
  organizationsWithRole,
  type OrganizationWithRole,
} from '../organizations/memberships';
import { EmailVerificationEntity, UserEntity } from './account.entities';
import type { SignInInput, SignUpInput } from './account.inputs';
import { PasswordHasher } from './password-hasher';
import { Sessions, type IssuedSession } from './sessions';
import { SignInProtection } from './sign-in-protection';

const INVALID_CREDENTIALS = 'Invalid e-mail or password';

export interface SignedIn extends IssuedSession {
  user: UserEntity;
}

/** The signed-in user with their organizations and role in each. */
export interface ViewerRow {
  user: UserEntity;
  organizations: OrganizationWithRole[];
}

@Injectable()
export class AccountsService {
  private readonly logger = new Logger('Accounts');

  constructor(
    private readonly db: Db,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly hasher: PasswordHasher,
    private readonly sessions: Sessions,
    private readonly protection: SignInProtection,
    private readonly memberships: Memberships,
    private readonly mailer: Mailer,
    private readonly audit: AuditTrail,
  ) {}

  async signUp(input: SignUpInput): Promise<SignedIn> {
    const email = normalizeEmail(input.email);
    const passwordHash = await this.hasher.hash(input.password);
    const verificationToken = newSecretToken();
    const signedIn = await this.db.transaction(async () => {
      const users = this.db.manager.getRepository(UserEntity);
      let user: UserEntity;
      try {
        user = await users.save(users.create({ email, passwordHash, displayName: input.displayName.trim() }));
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          throw new DomainError('CONFLICT', 'An account with this e-mail already exists', {
            reason: 'EMAIL_TAKEN',
            fieldErrors: { email: ['is already registered'] },
          });
        }
        throw error;
      }
      await this.db.actAs(user.id);
      await this.createVerification(user.id, verificationToken);
      return { user, ...(await this.sessions.start(user)) };
    });
    await this.sendVerificationMail(signedIn.user, verificationToken);
    return signedIn;
  }

  /** Sends a fresh verification link to the signed-in user (older links stay valid until they expire). */
  async requestEmailVerification(userId: string): Promise<void> {
    const user = await this.db.manager.getRepository(UserEntity).findOneByOrFail({ id: userId });
    if (user.emailVerifiedAt) throw conflict('This e-mail address is already verified', 'ALREADY_VERIFIED');
    const token = newSecretToken();
    await this.createVerification(user.id, token);
    await this.sendVerificationMail(user, token);
  }

  async verifyEmail(token: string): Promise<UserEntity> {
    return this.db.transaction(async () => {
      const now = this.clock.now();
      const [rows]: { user_id: string }[][] = await this.db.manager.query(
        `UPDATE email_verifications SET used_at = $2
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id`,
        [hashSecretToken(token), now],
      );
      const userId = rows[0]?.user_id;
      if (!userId) {
        throw new DomainError('BAD_USER_INPUT', 'This verification link is invalid or has expired', {
          reason: 'INVALID_TOKEN',
          fieldErrors: { token: ['is invalid or has expired'] },
        });
      }
      await this.db.manager.query(
        'UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2), updated_at = $2 WHERE id = $1',
        [userId, now],
      );
      await this.db.actAs(userId); // the mailed link proves who this is
      const user = await this.db.manager.getRepository(UserEntity).findOneByOrFail({ id: userId });
      await this.memberships.joinByVerifiedDomain(user);
      return user;
    });
  }

  /**
   * Same answer and similar work for an unknown e-mail and a wrong password. Lockout is per e-mail, checked
   * before the password so a locked account cannot be probed.
   */
  async signIn(input: SignInInput): Promise<SignedIn> {
    const email = normalizeEmail(input.email);
    await this.protection.assertNotLocked(email);
    const user = await this.db.manager.getRepository(UserEntity).findOneBy({ email });
    const valid = user
      ? await this.hasher.verify(user.passwordHash, input.password)
      : await this.hasher.verifyDecoy(input.password);
    if (!user || !valid) {
      await this.db.transaction(async () => {
        await this.protection.recordFailure(email);
        await this.audit.record({
          action: 'auth.sign_in_failed',
          actorId: user?.id ?? null,
          details: { reason: user ? 'WRONG_PASSWORD' : 'UNKNOWN_EMAIL', emailHash: hashSecretToken(email) },
        });
      });
      throw unauthenticated(INVALID_CREDENTIALS, 'INVALID_CREDENTIALS');
    }
    await this.protection.recordSuccess(email);
    if (user.disabledAt) throw forbidden('This account is disabled', 'ACCOUNT_DISABLED');
    return this.db.transaction(async () => {
      await this.db.actAs(user.id);
      if (user.emailVerifiedAt) await this.memberships.joinByVerifiedDomain(user);
      const session = await this.sessions.start(user);
      await this.audit.record({ action: 'auth.sign_in_succeeded', targetType: 'Session', targetId: session.familyId });
      return { user, ...session };
    });
  }

  async refreshSession(refreshToken: string): Promise<SignedIn> {
    // Reuse detection must survive the caller's failure, so it is committed before we answer.
    const consumed = await this.db.transaction(() => this.sessions.consumeRefreshToken(refreshToken));
    if (!consumed)
      throw unauthenticated('This refresh token is invalid, expired or already used', 'INVALID_REFRESH_TOKEN');
    return this.db.transaction(async () => {
      await this.db.actAs(consumed.userId);
      const user = await this.db.manager.getRepository(UserEntity).findOneByOrFail({ id: consumed.userId });
      if (user.disabledAt) throw unauthenticated('This account is disabled', 'ACCOUNT_DISABLED');
      return { user, ...(await this.sessions.issue(user, consumed.familyId)) };
    });
  }

  async signOut(viewer: { userId: string; sessionId: string }, everywhere: boolean): Promise<void> {
    await this.db.transaction(async () => {
      if (everywhere) await this.sessions.revokeAll(viewer.userId, 'SIGN_OUT_EVERYWHERE');
      else await this.sessions.revokeFamily(viewer.sessionId, 'SIGN_OUT');
    });
  }

  /**
   * The signed-in user and the organizations they belong to, with their role in each (by name): the web app's
   * viewer, asked on every page load, in one statement of the request's one transaction.
   */
  async findViewer(userId: string): Promise<ViewerRow | null> {
    const [row] = await this.db.transaction(() =>
      this.db.prepared<{
        id: string;
        email: string;
        email_verified_at: Date | null;
        display_name: string;
        created_at: Date;
        organizations: Parameters<typeof organizationsWithRole>[0];
      }>(
        `SELECT u.id, u.email, u.email_verified_at, u.display_name, u.created_at,
                ${ORGANIZATIONS_OF_USER_JSON} AS organizations
         FROM users u WHERE u.id = $1`,
        [userId],
      ),
    );
    if (!row) return null;
    const user = Object.assign(new UserEntity(), {
      id: row.id,
      email: row.email,
      emailVerifiedAt: row.email_verified_at,
      displayName: row.display_name,
      createdAt: row.created_at,
    });
    return { user, organizations: organizationsWithRole(row.organizations) };
  }

  private async createVerification(userId: string, token: string): Promise<void> {
    const ttlMs = this.config.sessions.emailVerificationTtlHours * 3_600_000;
    await this.db.manager.getRepository(EmailVerificationEntity).insert({
      userId,
      tokenHash: hashSecretToken(token),
      expiresAt: new Date(this.clock.now().getTime() + ttlMs),
    });
  }

  private async sendVerificationMail(user: UserEntity, token: string): Promise<void> {
    const link = `${this.config.http.publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
    try {
      await this.mailer.send({
        to: user.email,
        subject: 'Confirm your e-mail address for Ruche',
        text: [
          `Hello ${user.displayName},`,
          '',
          'Confirm your e-mail address by opening this link:',
          link,
          '',
          `Verification token: ${token}`,
          '',
          `The link expires in ${this.config.sessions.emailVerificationTtlHours} hours. If you did not sign up, ignore this message.`,
        ].join('\n'),
      });
    } catch (error) {
      // The account exists either way; the user can ask for a new link (requestEmailVerification).
      this.logger.error({ err: error, userId: user.id }, 'verification e-mail could not be sent');
    }
  }
}
