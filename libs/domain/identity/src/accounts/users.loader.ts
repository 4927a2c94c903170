import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Db } from '@ruche/database';
import { alignByKey, type LoaderRegistry } from '@ruche/graphql';
import { UserEntity } from './account.entities';
import { User } from './account.types';

/** Batches user lookups of one request into one query. */
@Injectable()
export class UsersLoader {
  constructor(private readonly db: Db) {}

  load(loaders: LoaderRegistry, viewerId: string, userId: string): Promise<User | null> {
    return loaders
      .get<string, User | null>('userById', async (ids) => {
        const rows = await this.db.manager.getRepository(UserEntity).findBy({ id: In([...ids]) });
        return alignByKey(ids, rows, (u) => u.id).map((u) => (u ? User.from(u, viewerId) : null));
      })
      .load(userId);
  }
}
