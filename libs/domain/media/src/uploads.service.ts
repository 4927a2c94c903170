import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { Db } from '@ruche/database';
import { badInput, Clock, fromGlobalId, notFound, parseGlobalId, toGlobalId } from '@ruche/kernel';
import { readableSpaceIdsSql } from '@ruche/policy';
import { reencodeImage } from './images';
import { MediaStorage } from './media-storage';

/** An uploaded image as clients see it; `url` serves its bytes to whoever may see it. */
export interface UploadedImage {
  id: string;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
  url: string;
}

/** An image shown with a post. */
export interface PostImage {
  id: string;
  url: string;
  width: number;
  height: number;
}

const globalIdOf = (id: string) => toGlobalId('Upload', id);
const urlOf = (id: string) => `/uploads/${globalIdOf(id)}`;

/**
 * Images uploaded by people, then attached to the post they illustrate. An image is private to its uploader
 * until it is attached; then it is readable by whoever reads the post's space, as long as the post is not
 * deleted.
 */
@Injectable()
export class Uploads {
  constructor(
    private readonly db: Db,
    private readonly storage: MediaStorage,
    private readonly clock: Clock,
  ) {}

  async create(viewerId: string, file: Buffer): Promise<UploadedImage> {
    const image = await reencodeImage(file);
    const id = randomUUID();
    const key = randomUUID();
    await this.storage.put(key, image.bytes, image.contentType);
    try {
      await this.db.transaction(() =>
        this.db.manager.query(
          `INSERT INTO uploads (id, owner_id, storage_key, content_type, bytes, width, height, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [id, viewerId, key, image.contentType, image.bytes.length, image.width, image.height, this.clock.now()],
        ),
      );
    } catch (error) {
      // No row, no file: nothing could ever serve or clean it up.
      await this.storage.delete(key).catch(() => undefined);
      throw error;
    }
    const { contentType, width, height } = image;
    return { id: globalIdOf(id), contentType, width, height, bytes: image.bytes.length, url: urlOf(id) };
  }

  /**
   * The bytes of an upload, if the viewer may see it; otherwise NOT_FOUND, exactly as for a missing id.
   * Row-level security already narrows the rows; the check repeats the rule in full (attached images follow
   * their post).
   */
  async open(viewerId: string, globalId: string): Promise<{ stream: Readable; contentType: string; bytes: number }> {
    const id = fromGlobalId(globalId, 'Upload');
    const [row]: { storage_key: string; content_type: string; bytes: number }[] = await this.db.transaction(() =>
      this.db.manager.query(
        `SELECT u.storage_key, u.content_type, u.bytes FROM uploads u
         WHERE u.id = $1
           AND ((u.post_id IS NULL AND u.owner_id = $2)
             OR (u.space_id IN ${readableSpaceIdsSql('$2')} AND EXISTS (
                   SELECT 1 FROM posts p WHERE p.id = u.post_id AND p.space_id = u.space_id AND p.deleted_at IS NULL
                     AND (p.hidden_at IS NULL OR u.owner_id = $2))))`,
        [id, viewerId],
      ),
    );
    const stream = row && (await this.storage.get(row.storage_key));
    if (!row || !stream) throw notFound('Upload');
    return { stream, contentType: row.content_type, bytes: row.bytes };
  }

  /**
   * Attaches images to a post, in the caller's transaction (content calls it when a post is created or
   * edited). Only the viewer's own images that no other post uses; ids already attached to this post are
   * accepted again, so an edit may resend them.
   */
  async attach(
    uploadGlobalIds: string[],
    post: { id: string; spaceId: string; organizationId: string },
    viewerId: string,
  ): Promise<void> {
    if (uploadGlobalIds.length === 0) return;
    const refused = () => badInput({ imageIds: ['must be images you uploaded and have not used in another post'] });
    const parsed = uploadGlobalIds.map((g) => parseGlobalId(g));
    if (parsed.some((p) => p?.type !== 'Upload')) throw refused();
    const unique = [...new Set(parsed.map((p) => p!.id))];
    await this.db.transaction(async () => {
      const usable: { id: string }[] = await this.db.manager.query(
        `SELECT id FROM uploads WHERE id = ANY ($1::uuid[]) AND owner_id = $2 AND (post_id IS NULL OR post_id = $3)
         FOR UPDATE`,
        [unique, viewerId, post.id],
      );
      if (usable.length !== unique.length) throw refused();
      await this.db.manager.query(
        `UPDATE uploads SET post_id = $2, space_id = $3, organization_id = $4 WHERE id = ANY ($1::uuid[])`,
        [unique, post.id, post.spaceId, post.organizationId],
      );
    });
  }

  /**
   * The images of each post, in upload order, in one query: `result[i]` belongs to `postIds[i]` (the shape a
   * DataLoader batch function returns).
   */
  async forPost(postIds: readonly string[]): Promise<PostImage[][]> {
    if (postIds.length === 0) return [];
    const rows: { id: string; post_id: string; width: number; height: number }[] = await this.db.transaction(() =>
      this.db.manager.query(
        `SELECT id, post_id, width, height FROM uploads WHERE post_id = ANY ($1::uuid[]) ORDER BY created_at, id`,
        [[...new Set(postIds)]],
      ),
    );
    const byPost = new Map<string, PostImage[]>();
    for (const r of rows) {
      const list = byPost.get(r.post_id) ?? [];
      list.push({ id: globalIdOf(r.id), url: urlOf(r.id), width: r.width, height: r.height });
      byPost.set(r.post_id, list);
    }
    return postIds.map((id) => byPost.get(id) ?? []);
  }
}
