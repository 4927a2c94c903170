import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  /** Stored normalized (trimmed, lower case); unique. */
  @Column('text') email!: string;
  @Column('timestamptz', { nullable: true }) emailVerifiedAt!: Date | null;
  @Column('text') passwordHash!: string;
  @Column('text') displayName!: string;
  /** Bumped by "sign out everywhere" and by disabling: every older access token stops working. */
  @Column('int', { default: 0 }) tokenVersion!: number;
  @Column('timestamptz', { nullable: true }) disabledAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}

@Entity({ name: 'email_verifications' })
export class EmailVerificationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') userId!: string;
  @Column('text') tokenHash!: string;
  @Column('timestamptz') expiresAt!: Date;
  @Column('timestamptz', { nullable: true }) usedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

/** One sign-in on one device: the family of rotating refresh tokens, and the `sid` of its access tokens. */
@Entity({ name: 'session_families' })
export class SessionFamilyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') userId!: string;
  @Column('timestamptz', { nullable: true }) revokedAt!: Date | null;
  @Column('text', { nullable: true }) revokedReason!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'refresh_tokens' })
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') familyId!: string;
  @Column('text') tokenHash!: string;
  @Column('timestamptz') expiresAt!: Date;
  @Column('timestamptz', { nullable: true }) usedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

/** Failed sign-ins per e-mail (hashed), whether or not an account exists, so lockout does not reveal accounts. */
@Entity({ name: 'sign_in_attempts' })
export class SignInAttemptEntity {
  @PrimaryColumn('text') emailHash!: string;
  @Column('int') failures!: number;
  @Column('timestamptz') windowStartedAt!: Date;
  @Column('timestamptz', { nullable: true }) lockedUntil!: Date | null;
  @Column('int') lockCount!: number;
}
