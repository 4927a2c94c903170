import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { OrgRole } from '@ruche/policy';

@Entity({ name: 'organizations' })
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

/** An e-mail domain whose verified addresses join the organization as employees. Globally unique. */
@Entity({ name: 'organization_domains' })
export class OrganizationDomainEntity {
  @PrimaryColumn('text') domain!: string;
  @Column('uuid') organizationId!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'organization_memberships' })
export class OrganizationMembershipEntity {
  @PrimaryColumn('uuid') organizationId!: string;
  @PrimaryColumn('uuid') userId!: string;
  @Column('text') role!: OrgRole;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
