import { Injectable } from '@nestjs/common';
import { Db } from '@ruche/database';
import { decodeCursor, toConnection, type Connection, type ConnectionArgs } from '@ruche/graphql';
import { Memberships } from '@ruche/identity';
import { DomainError, enforce, fromGlobalId, normalizeDomain, notFound } from '@ruche/kernel';
import { decideOrgAction, readableSpaceIdsSql } from '@ruche/policy';
import type { CreateCustomerAccountInput } from './space.inputs';
import { CustomerAccount } from './space.types';

type AccountRow = { id: string; name: string; domain: string | null; created_at: Date };

/** Customer companies of an organization: employees see them; admins and managers create them. */
@Injectable()
export class CustomerAccountsService {
  constructor(
    private readonly db: Db,
    private readonly memberships: Memberships,
  ) {}

  async create(viewerId: string, input: CreateCustomerAccountInput): Promise<CustomerAccount> {
    const orgId = fromGlobalId(input.organizationId, 'Organization');
    return this.db.transaction(async () => {
      enforce(
        decideOrgAction(await this.memberships.roleOf(viewerId, orgId), 'org.customerAccounts.create'),
        'Organization',
      );
      try {
        const [row]: AccountRow[] = await this.db.manager.query(
          `INSERT INTO customer_accounts (organization_id, name, domain) VALUES ($1, $2, $3)
           RETURNING id, name, domain, created_at`,
          [orgId, input.name.trim(), input.domain === undefined ? null : normalizeDomain(input.domain)],
        );
        return CustomerAccount.from(row!);
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          throw new DomainError('CONFLICT', 'A customer account with this name or domain already exists', {
            reason: 'ACCOUNT_EXISTS',
          });
        }
        throw error;
      }
    });
  }

  async list(
    viewerId: string,
    organizationGlobalId: string,
    args: ConnectionArgs,
  ): Promise<Connection<CustomerAccount>> {
    const orgId = fromGlobalId(organizationGlobalId, 'Organization');
    const after = args.after ? decodeCursor(args.after, ['string', 'uuid']) : null;
    return this.db.transaction(async () => {
      enforce(
        decideOrgAction(await this.memberships.roleOf(viewerId, orgId), 'org.customerAccounts.read'),
        'Organization',
      );
      const rows: AccountRow[] = await this.db.manager.query(
        `SELECT id, name, domain, created_at FROM customer_accounts
         WHERE organization_id = $1 AND ($2::text IS NULL OR (lower(name), id) > ($2, $3::uuid))
         ORDER BY lower(name), id LIMIT $4`,
        [orgId, after?.[0] ?? null, after?.[1] ?? null, args.first + 1],
      );
      return toConnection(rows, args, (r) => [r.name.toLowerCase(), r.id], CustomerAccount.from);
    });
  }

  /** For node(id): employees of its organization, or anyone who shares a space with one of its customers. */
  async get(viewerId: string, globalId: string): Promise<CustomerAccount> {
    const id = fromGlobalId(globalId, 'CustomerAccount');
    return this.db.transaction(async () => {
      const [row]: AccountRow[] = await this.db.manager.query(
        `SELECT ca.id, ca.name, ca.domain, ca.created_at FROM customer_accounts ca
         WHERE ca.id = $1 AND (
           EXISTS (SELECT 1 FROM organization_memberships om
                   WHERE om.organization_id = ca.organization_id AND om.user_id = $2 AND om.role <> 'CUSTOMER')
           OR EXISTS (SELECT 1 FROM space_memberships sm
                      WHERE sm.customer_account_id = ca.id AND sm.space_id IN ${readableSpaceIdsSql('$2')}))`,
        [id, viewerId],
      );
      if (!row) throw notFound('CustomerAccount');
      return CustomerAccount.from(row);
    });
  }
}
