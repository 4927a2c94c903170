import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { Db } from '@ruche/database';
import { badInput, Clock, fromGlobalId, notFound, parseGlobalId, toGlobalId } from '@ruche/kernel';
import { readableSpaceIdsSql } from '@ruche/policy';
import { reencodeImage, VARIANT_WIDTHS } from './images';
import { MediaStorage } from './media-storage';

/** One width an image is served in; `url` serves it to exactly those who may see the image. */
export interface ImageVariant {
  width: number;
  height: number;
  url: string;
}

/** What a client needs to show an image at the width of the screen (`srcset`). */
interface Renditions {
  /** More than one frame: an animated GIF or WebP (served as animated WebP). */
  animated: boolean;
  /** Every width the image is served in, narrowest first; the last is the image itself, at `url`. */
  variants: ImageVariant[];
  /** `variants` as an HTML `srcset` value (`<url> <width>w, ...`). */
  srcset: string;
}

/** An uploaded image as clients see it; `url` serves its bytes to whoever may see it. */
export interface UploadedImage extends Renditions {
  id: string;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
  url: string;
}

/** An image shown with a post. */
export interface PostImage extends Renditions {
  id: string;
  url: string;
  width: number;
  height: number;
}

/** A stored narrower copy (`uploads.variants`). */
interface StoredVariant {
  width: number;
  height: number;
  bytes: number;
  key: string;
}

/** A width asked for with `GET /uploads/:id?w=`. */
export type VariantWidth = (typeof VARIANT_WIDTHS)[number];

const globalIdOf = (id: string) => toGlobalId('Upload', id);
const urlOf = (id: string, width?: number) => `/uploads/${globalIdOf(id)}${width ? `?w=${width}` : ''}`;

function renditionsOf(id: string, image: { width: number; height: number; frames: number }, stored: StoredVariant[]) {
  const variants: ImageVariant[] = [
    ...stored.map((v) => ({ width: v.width, height: v.height, url: urlOf(id, v.width) })),
    { width: image.width, height: image.height, url: urlOf(id) },
  ];
  const srcset = variants.map((v) => `${v.url} ${v.width}w`).join(', ');
  return { animated: image.frames > 1, variants, srcset } satisfies Renditions;
}

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
    const variants: StoredVariant[] = image.variants.map((v) => ({
      width: v.width,
      height: v.height,
      bytes: v.bytes.length,
      key: randomUUID(),
    }));
    const keys = [key, ...variants.map((v) => v.key)];
    try {
      await this.storage.put(key, image.bytes, image.contentType);
      for (const [i, v] of variants.entries())
        await this.storage.put(v.key, image.variants[i].bytes, image.contentType);
      await this.db.transaction(() =>
        this.db.manager.query(
          `INSERT INTO uploads (id, owner_id, storage_key, content_type, bytes, width, height, frames, variants,
                                created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            id,
            viewerId,
            key,
            image.contentType,
            image.bytes.length,
            image.width,
            image.height,
            image.frames,
            JSON.stringify(variants),
            this.clock.now(),
          ],
        ),
      );
    } catch (error) {
      // No row, no file: nothing could ever serve or clean it up.
      await Promise.all(keys.map((k) => this.storage.delete(k).catch(() => undefined)));
      throw error;
    }
    const { contentType, width, height } = image;
    return {
      id: globalIdOf(id),
      contentType,
      width,
      height,
      bytes: image.bytes.length,
      url: urlOf(id),
      ...renditionsOf(id, image, variants),
    };
  }

  /**
   * The bytes of an upload, if the viewer may see it; otherwise NOT_FOUND, exactly as for a missing id.
   * Row-level security already narrows the rows; the check repeats the rule in full (attached images follow
   * their post). Every width is one row, so one check: a variant is served to exactly those who may see the
   * image. `width` picks the narrowest stored rendition at least that wide, else the image itself (never
   * upscaled; uploads older than variants have none).
   */
  async open(
    viewerId: string,
    globalId: string,
    width?: VariantWidth,
  ): Promise<{ stream: Readable; contentType: string; bytes: number }> {
    const id = fromGlobalId(globalId, 'Upload');
    const [row]: { storage_key: string; content_type: string; bytes: number; variants: StoredVariant[] }[] =
      await this.db.transaction(() =>
        this.db.manager.query(
          `SELECT u.storage_key, u.content_type, u.bytes, u.variants FROM uploads u
         WHERE u.id = $1
           AND ((u.post_id IS NULL AND u.owner_id = $2)
             OR (u.space_id IN ${readableSpaceIdsSql('$2')} AND EXISTS (
                   SELECT 1 FROM posts p WHERE p.id = u.post_id AND p.space_id = u.space_id AND p.deleted_at IS NULL
                     AND (p.hidden_at IS NULL OR u.owner_id = $2))))`,
          [id, viewerId],
        ),
      );
    if (!row) throw notFound('Upload');
    const variant = width === undefined ? undefined : row.variants.find((v) => v.width >= width);
    const stream = await this.storage.get(variant?.key ?? row.storage_key);
    if (!stream) throw notFound('Upload');
    return { stream, contentType: row.content_type, bytes: variant?.bytes ?? row.bytes };
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
    const rows: PostImageRow[] = await this.db.transaction(() =>
      this.db.manager.query(
        `SELECT id, post_id, width, height, frames, variants FROM uploads WHERE post_id = ANY ($1::uuid[])
         ORDER BY created_at, id`,
        [[...new Set(postIds)]],
      ),
    );
    const byPost = new Map<string, PostImageRow[]>();
    for (const r of rows) byPost.set(r.post_id, [...(byPost.get(r.post_id) ?? []), r]);
    return postIds.map((id) => imagesOf(byPost.get(id) ?? []));
  }
}

/** What a post's images are made from: uploads rows, as `forPost` reads them or `postImagesSql` gives them. */
export interface PostImageRow {
  id: string;
  post_id: string;
  width: number;
  height: number;
  frames: number;
  variants: StoredVariant[];
}

/** The images of one post from its uploads rows (oldest first). */
export function imagesOf(rows: PostImageRow[]): PostImage[] {
  return rows.map((r) => ({
    id: globalIdOf(r.id),
    url: urlOf(r.id),
    width: r.width,
    height: r.height,
    ...renditionsOf(r.id, r, r.variants),
  }));
}

/** The uploads rows of the post `postId` (a column reference) as a JSON array, for a query that reads posts. */
export const postImagesSql = (postId: string) =>
  `(SELECT coalesce(jsonb_agg(jsonb_build_object('id', up.id, 'post_id', up.post_id, 'width', up.width,
            'height', up.height, 'frames', up.frames, 'variants', up.variants) ORDER BY up.created_at, up.id), '[]')
    FROM uploads up WHERE up.post_id = ${postId})`;
