import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { ClsService } from 'nestjs-cls';
import { Pool, type PoolClient } from 'pg';
import { Db } from '@ruche/database';
import { fromGlobalId, toGlobalId } from '@ruche/kernel';
import { Uploads } from '@ruche/media';
import { createTestApp, type TestApp } from './support/test-app';
import { signUp, type Person } from './support/identity';
import { createOrganization, createSpace, customerOf, type Organization } from './support/spaces';

const userId = (p: Person) => fromGlobalId(p.id, 'User');

/** A red rectangle as JPEG, with EXIF a phone would write: author, copyright, GPS position, orientation. */
const jpegWithExif = () =>
  sharp({ create: { width: 3000, height: 1000, channels: 3, background: '#c33' } })
    .jpeg()
    .withMetadata({
      orientation: 6, // "rotate 90° clockwise to display"
      exif: {
        IFD0: { Copyright: 'Top secret owner', Artist: 'Jane Doe' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '48/1 51/1 2400/100',
          GPSLongitudeRef: 'E',
          GPSLongitude: '2/1 21/1 0/1',
        },
      },
    })
    .toBuffer();

const image = (format: 'png' | 'webp' | 'gif', width = 640, height = 480) =>
  sharp({ create: { width, height, channels: 3, background: '#36c' } })
    .toFormat(format)
    .toBuffer();

/** A real animation: `frames` frames of different colours, 120 ms each, looping. */
async function animation(format: 'gif' | 'webp', frames: number, width: number, height: number) {
  const pictures = await Promise.all(
    Array.from({ length: frames }, (_, i) =>
      sharp({ create: { width, height, channels: 3, background: { r: (i * 70) % 256, g: 90, b: 200 } } })
        .png()
        .toBuffer(),
    ),
  );
  const joined = sharp(pictures, { join: { animated: true } });
  const timing = { delay: Array<number>(frames).fill(120), loop: 0 };
  return (format === 'gif' ? joined.gif(timing) : joined.webp(timing)).toBuffer();
}

/**
 * A GIF written by hand: a `width`×`height` screen with `frames` frames of one pixel each. Tiny as a file, but
 * its header announces width × height × frames pixels to decode.
 */
function gifOfFrames(width: number, height: number, frames: number): Buffer {
  const hex = (h: string) => Buffer.from(h, 'hex');
  const u16 = (n: number) => Buffer.from([n & 0xff, n >> 8]);
  // Screen size, then a palette of 2 colours (black, white).
  const screen = Buffer.concat([Buffer.from('GIF89a'), u16(width), u16(height), hex('800000'), hex('000000ffffff')]);
  const loopForever = Buffer.concat([hex('21ff0b'), Buffer.from('NETSCAPE2.0'), hex('0301000000')]);
  const delay100ms = hex('21f904000a000000');
  const pixel = hex('02024c0100'); // one LZW-coded white pixel
  // Each frame is a white pixel at (i, 0), 1×1, over the previous ones: no two frames are alike.
  const frame = (i: number) =>
    Buffer.concat([delay100ms, hex('2c'), u16(i % width), u16(0), u16(1), u16(1), hex('00'), pixel]);
  return Buffer.concat([screen, loopForever, ...Array.from({ length: frames }, (_, i) => frame(i)), hex('3b')]);
}

/** What `variants` lists for an upload of `id`: the given widths, then the image itself. */
const variantsOf = (id: string, widths: [number, number][], full: [number, number]) => [
  ...widths.map(([width, height]) => ({ width, height, url: `/uploads/${id}?w=${width}` })),
  { width: full[0], height: full[1], url: `/uploads/${id}` },
];

describe('image uploads', () => {
  let t: TestApp;
  let org: Organization;
  let owner: Person;
  let stranger: Person;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganization(t, 'Acme');
    owner = org.owner;
    stranger = await signUp(t, { verify: true });
  });
  afterAll(() => t.close());

  const upload = (token: string | undefined, bytes: Buffer, filename: string, contentType = 'image/png') => {
    const req = t.http().post('/uploads');
    if (token) req.set('authorization', `Bearer ${token}`);
    return req.attach('file', bytes, { filename, contentType });
  };
  const fetchAs = (token: string, url: string) =>
    t.http().get(url).set('authorization', `Bearer ${token}`).buffer(true).parse(binaryParser);
  const storedBytes = async (globalId: string) => {
    const { rows } = await t.sql.query('SELECT storage_key FROM uploads WHERE id = $1', [
      fromGlobalId(globalId, 'Upload'),
    ]);
    const key: string = rows[0].storage_key;
    return readFile(join(t.config.dataDir, 'uploads', key.slice(0, 2), key));
  };

  it('re-encodes a JPEG to WebP within 2048 px, upright, with its EXIF (GPS included) gone', async () => {
    const input = await jpegWithExif();
    const before = await sharp(input).metadata();
    expect(before.exif?.includes('Top secret owner')).toBe(true);
    expect(before.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true); // the GPS IFD pointer

    const res = await upload(owner.accessToken, input, 'holiday.jpg', 'image/jpeg');

    expect(res.status).toBe(201);
    // Orientation 6 turns 3000×1000 into 1000×3000, already within 2048 px wide.
    const id: string = res.body.id;
    expect(res.body).toEqual({
      id: expect.any(String),
      contentType: 'image/webp',
      width: 1000,
      height: 3000,
      bytes: expect.any(Number),
      url: `/uploads/${id}`,
      animated: false,
      // 320 and 640 are narrower than the image; 1024 and 2048 would be upscaled: the image itself serves them.
      variants: variantsOf(
        id,
        [
          [320, 960],
          [640, 1920],
        ],
        [1000, 3000],
      ),
      srcset: `/uploads/${id}?w=320 320w, /uploads/${id}?w=640 640w, /uploads/${id} 1000w`,
    });
    const stored = await storedBytes(res.body.id);
    expect(stored.length).toBe(res.body.bytes);
    const after = await sharp(stored).metadata();
    expect(after).toMatchObject({ format: 'webp', width: 1000, height: 3000 });
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect(stored.includes('Top secret owner')).toBe(false);
  });

  it('accepts PNG, WebP and GIF, and narrows wide images to 2048 px keeping their ratio', async () => {
    for (const format of ['png', 'webp', 'gif'] as const) {
      const res = await upload(owner.accessToken, await image(format), `picture.${format}`);
      expect([format, res.status, res.body.width, res.body.height]).toEqual([format, 201, 640, 480]);
    }
    const wide = await upload(owner.accessToken, await image('png', 4096, 1024), 'wide.png');
    expect([wide.status, wide.body.width, wide.body.height]).toEqual([201, 2048, 512]);
  });

  it('judges the type by the bytes: text named .png, a TIFF or a JPEG cut short is refused, and nothing kept', async () => {
    const count = async () => (await t.sql.query('SELECT count(*)::int AS n FROM uploads')).rows[0].n;
    const before = await count();
    const text = await upload(owner.accessToken, Buffer.from('<svg onload="alert(1)">not an image</svg>'), 'x.png');
    expect(text.status).toBe(400);
    expect(text.body).toMatchObject({
      code: 'BAD_USER_INPUT',
      fieldErrors: { file: ['is not a supported image (JPEG, PNG, WebP or GIF)'] },
    });
    const tiff = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .tiff()
      .toBuffer();
    expect((await upload(owner.accessToken, tiff, 'photo.jpg', 'image/jpeg')).body.code).toBe('BAD_USER_INPUT');
    const jpeg = await jpegWithExif();
    const truncated = await upload(owner.accessToken, jpeg.subarray(0, 400), 'cut.jpg', 'image/jpeg');
    expect(truncated.body).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { file: [expect.any(String)] } });
    expect(await count()).toBe(before);
  });

  it('refuses more than 10 MB, more than 40 megapixels, a second file or no file, as BAD_USER_INPUT', async () => {
    const big = await upload(owner.accessToken, Buffer.alloc(12 * 1024 * 1024, 0xff), 'big.png');
    expect(big.status).toBe(400);
    expect(big.body).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { file: ['is larger than 10 MB'] } });

    // 81 megapixels in a PNG of about 1 MB (within the size limit): refused from its header, before decoding.
    const bomb = await image('png', 9000, 9000);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const huge = await upload(owner.accessToken, bomb, 'huge.png');
    expect(huge.body).toMatchObject({
      code: 'BAD_USER_INPUT',
      fieldErrors: { file: ['is larger than 40 megapixels'] },
    });

    const png = await image('png');
    const two = await t
      .http()
      .post('/uploads')
      .set('authorization', `Bearer ${owner.accessToken}`)
      .attach('file', png, 'a.png')
      .attach('file', png, 'b.png');
    expect([two.status, two.body.code]).toEqual([400, 'BAD_USER_INPUT']);
    const none = await t.http().post('/uploads').set('authorization', `Bearer ${owner.accessToken}`).send({});
    expect(none.body).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { file: [expect.any(String)] } });
  });

  it('needs a signed-in viewer to upload or to read', async () => {
    const res = await upload(undefined, await image('png'), 'a.png');
    expect([res.status, res.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    const mine = await upload(owner.accessToken, await image('png'), 'a.png');
    const read = await t.http().get(mine.body.url);
    expect([read.status, read.body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('serves an unattached image to its uploader only; anyone else gets the answer of a missing id', async () => {
    const { body } = await upload(owner.accessToken, await image('png'), 'a.png');
    const mine = await fetchAs(owner.accessToken, body.url);
    expect(mine.status).toBe(200);
    expect(mine.headers).toMatchObject({
      'content-type': 'image/webp',
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
    expect(Buffer.compare(mine.body, await storedBytes(body.id))).toBe(0);

    const theirs = await fetchAs(stranger.accessToken, body.url);
    const missing = await fetchAs(stranger.accessToken, `/uploads/${toGlobalId('Upload', randomUUID())}`);
    const garbage = await fetchAs(stranger.accessToken, '/uploads/not-an-id');
    expect(theirs.status).toBe(404);
    expect(JSON.parse(theirs.body.toString())).toEqual({ code: 'NOT_FOUND', message: 'Upload not found' });
    for (const other of [missing, garbage]) expect([other.status, other.body]).toEqual([404, theirs.body]);
    expect(theirs.headers['cache-control']).toBeUndefined();
  });

  it('keeps an animated GIF and an animated WebP animated, as animated WebP, frames and timing intact', async () => {
    for (const format of ['gif', 'webp'] as const) {
      const input = await animation(format, 4, 1200, 300);
      expect((await sharp(input).metadata()).delay).toEqual([120, 120, 120, 120]);
      const res = await upload(owner.accessToken, input, `moving.${format}`, `image/${format}`);
      expect([format, res.status]).toEqual([format, 201]);
      const id: string = res.body.id;
      expect(res.body).toMatchObject({ contentType: 'image/webp', width: 1200, height: 300, animated: true });
      expect(res.body.variants).toEqual(
        variantsOf(
          id,
          [
            [320, 80],
            [640, 160],
            [1024, 256],
          ],
          [1200, 300],
        ),
      );

      // Every width is animated too, each frame at the width asked for.
      for (const v of res.body.variants as { width: number; height: number; url: string }[]) {
        const got = await fetchAs(owner.accessToken, v.url);
        expect(got.status).toBe(200);
        const meta = await sharp(got.body).metadata();
        expect([format, v.width, meta.format, meta.pages, meta.width, meta.pageHeight ?? meta.height]).toEqual([
          format,
          v.width,
          'webp',
          4,
          v.width,
          v.height,
        ]);
        expect(meta.delay).toEqual([120, 120, 120, 120]);
        expect(meta.loop).toBe(0);
      }
    }
    // A GIF of one frame is a still image.
    const still = await upload(owner.accessToken, await image('gif'), 'still.gif', 'image/gif');
    expect(still.body.animated).toBe(false);
    expect((await sharp(await storedBytes(still.body.id)).metadata()).pages).toBeUndefined();
  });

  it('refuses animations over 200 frames or 100 megapixels across frames, before decoding them', async () => {
    const count = async () => (await t.sql.query('SELECT count(*)::int AS n FROM uploads')).rows[0].n;
    const before = await count();
    const long = await upload(owner.accessToken, await animation('gif', 201, 8, 8), 'long.gif', 'image/gif');
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({
      code: 'BAD_USER_INPUT',
      fieldErrors: { file: ['is an animation of more than 200 frames'] },
    });
    const longWebp = await upload(owner.accessToken, await animation('webp', 201, 8, 8), 'long.webp', 'image/webp');
    expect(longWebp.body.fieldErrors).toEqual({ file: ['is an animation of more than 200 frames'] });

    // 2000 × 1000 × 60 frames = 120 megapixels, in a file of about 1 kB.
    const heavy = gifOfFrames(2000, 1000, 60);
    expect(heavy.length).toBeLessThan(2048);
    const refused = await upload(owner.accessToken, heavy, 'heavy.gif', 'image/gif');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'BAD_USER_INPUT',
      fieldErrors: { file: ['is an animation larger than 100 megapixels (width × height × frames)'] },
    });
    expect(await count()).toBe(before);

    // 200 frames is within the bound: accepted, every frame kept.
    const within = await upload(owner.accessToken, gifOfFrames(300, 100, 200), 'within.gif', 'image/gif');
    expect([within.status, within.body.animated, within.body.width]).toEqual([201, true, 300]);
    expect((await sharp(await storedBytes(within.body.id)).metadata()).pages).toBe(200);
  });

  it('serves fixed widths, never wider nor heavier than the image; other widths are refused', async () => {
    const res = await upload(owner.accessToken, await jpegWithExif(), 'wide.jpg', 'image/jpeg');
    // Upright 1000 × 3000; a wide one too, narrowed to 2048 px.
    const wide = await upload(owner.accessToken, await image('png', 4096, 1024), 'wide.png');
    const id: string = wide.body.id;
    expect([wide.body.width, wide.body.height]).toEqual([2048, 512]);
    expect(wide.body.variants).toEqual(
      variantsOf(
        id,
        [
          [320, 80],
          [640, 160],
          [1024, 256],
        ],
        [2048, 512],
      ),
    );

    const original = await fetchAs(owner.accessToken, wide.body.url);
    for (const [w, expected] of [
      [320, 320],
      [640, 640],
      [1024, 1024],
      [2048, 2048],
    ]) {
      const got = await fetchAs(owner.accessToken, `${wide.body.url}?w=${w}`);
      expect([w, got.status, got.headers['content-type'], got.headers['cache-control']]).toEqual([
        w,
        200,
        'image/webp',
        'private, max-age=31536000, immutable',
      ]);
      expect(Number(got.headers['content-length'])).toBe(got.body.length);
      const meta = await sharp(got.body).metadata();
      expect([w, meta.width, meta.height]).toEqual([w, expected, expected / 4]);
      expect(got.body.length).toBeLessThanOrEqual(original.body.length);
    }
    // 2048 is the image itself: the same bytes as its url.
    expect(Buffer.compare((await fetchAs(owner.accessToken, `${wide.body.url}?w=2048`)).body, original.body)).toBe(0);

    // A 1000 px image asked for at 1024 or 2048 is served whole, never upscaled.
    for (const w of [1024, 2048]) {
      const got = await fetchAs(owner.accessToken, `${res.body.url}?w=${w}`);
      expect(Buffer.compare(got.body, await storedBytes(res.body.id))).toBe(0);
    }
    // A phone 375 px wide at DPR 2 (750 px) picks the 1024 variant from `srcset`, never the 2048 px original.
    const pick = (wide.body.variants as { width: number; url: string }[]).find((v) => v.width >= 750)!;
    expect(pick).toEqual({ width: 1024, height: 256, url: `${wide.body.url}?w=1024` });

    for (const w of ['500', '0', '-1', 'abc', '']) {
      const bad = await fetchAs(owner.accessToken, `${wide.body.url}?w=${w}`);
      expect([w, bad.status, JSON.parse(bad.body.toString())]).toEqual([
        w,
        400,
        expect.objectContaining({
          code: 'BAD_USER_INPUT',
          fieldErrors: { w: ['must be one of 320, 640, 1024, 2048'] },
        }),
      ]);
    }
    const twice = await fetchAs(owner.accessToken, `${wide.body.url}?w=320&w=640`);
    expect(twice.status).toBe(400);
  });

  it('serves no width of an image to anyone who may not see the image', async () => {
    const { body } = await upload(owner.accessToken, await image('png', 1500, 1000), 'a.png');
    const urls = (body.variants as { url: string }[]).map((v) => v.url);
    expect(urls).toHaveLength(4);
    for (const url of urls) {
      expect((await fetchAs(owner.accessToken, url)).status).toBe(200);
      const theirs = await fetchAs(stranger.accessToken, url);
      expect([url, theirs.status, JSON.parse(theirs.body.toString())]).toEqual([
        url,
        404,
        { code: 'NOT_FOUND', message: 'Upload not found' },
      ]);
      expect(theirs.headers['cache-control']).toBeUndefined();
      expect((await t.http().get(url)).status).toBe(401);
    }
  });

  describe('attached to a post', () => {
    let hybrid: string;
    let otherHybrid: string;
    let customer: Person;
    let otherCustomer: Person;
    let postId: string;

    /** A post by the org owner in the hybrid space, written directly (content has no API for it yet). */
    async function insertPost(spaceId: string): Promise<string> {
      const id = randomUUID();
      await t.sql.query(
        `INSERT INTO posts (id, organization_id, space_id, author_id, author_is_customer, kind, title, body, body_html,
                            hot_rank, created_at, updated_at)
         VALUES ($1, $2, $3, $4, false, 'DISCUSSION', 'Roadmap', 'See the picture', '<p>See the picture</p>', 0, now(), now())`,
        [id, fromGlobalId(org.id, 'Organization'), spaceId, userId(owner)],
      );
      return id;
    }

    /** Runs Uploads as the API would inside a request: in a CLS context, acting for `person`. */
    function asViewer<T>(person: Person, fn: (uploads: Uploads) => Promise<T>): Promise<T> {
      const db = t.app.get(Db);
      return t.app.get(ClsService).run(async () => {
        await db.actAs(userId(person));
        return fn(t.app.get(Uploads));
      });
    }
    const attach = (person: Person, ids: string[], post = postId, spaceId = hybrid) =>
      asViewer(person, (u) =>
        u.attach(ids, { id: post, spaceId, organizationId: fromGlobalId(org.id, 'Organization') }, userId(person)),
      );

    beforeAll(async () => {
      const space = await createSpace(t, owner, org, { name: 'Product council', kind: 'HYBRID' });
      const otherSpace = await createSpace(t, owner, org, { name: 'Other council', kind: 'HYBRID' });
      hybrid = fromGlobalId(space.id, 'Space');
      otherHybrid = fromGlobalId(otherSpace.id, 'Space');
      customer = await customerOf(t, owner, space.id, 'Chloé Client');
      otherCustomer = await customerOf(t, owner, otherSpace.id, 'Dan Client');
      postId = await insertPost(hybrid);
    });

    it('is readable by whoever reads the space, and by nobody else', async () => {
      const { body } = await upload(owner.accessToken, await image('png'), 'a.png');
      expect((await fetchAs(customer.accessToken, body.url)).status).toBe(404);

      await attach(owner, [body.id]);

      expect((await fetchAs(customer.accessToken, body.url)).status).toBe(200);
      expect((await fetchAs(owner.accessToken, body.url)).status).toBe(200);
      expect((await fetchAs(otherCustomer.accessToken, body.url)).status).toBe(404);
      expect((await fetchAs(stranger.accessToken, body.url)).status).toBe(404);
      const [images] = await asViewer(customer, (u) => u.forPost([postId]));
      expect(images).toEqual([
        {
          id: body.id,
          url: body.url,
          width: 640,
          height: 480,
          animated: false,
          variants: variantsOf(body.id, [[320, 240]], [640, 480]),
          srcset: `${body.url}?w=320 320w, ${body.url} 640w`,
        },
      ]);
      // The customer of another space gets nothing for the same post, from the database itself.
      expect(await asViewer(otherCustomer, (u) => u.forPost([postId, randomUUID()]))).toEqual([[], []]);
    });

    it('gives GraphQL clients the widths for srcset, and serves every width exactly like the image', async () => {
      const internal = fromGlobalId(
        (await createSpace(t, owner, org, { name: 'Staff only', kind: 'INTERNAL' })).id,
        'Space',
      );
      const internalPost = await insertPost(internal);
      const { body } = await upload(owner.accessToken, await animation('gif', 3, 1100, 550), 'a.gif', 'image/gif');
      await attach(owner, [body.id], internalPost, internal);

      const POST_IMAGES = `query($id: ID!) { post(id: $id) { images { id url width height animated srcset
        variants { width height url } } } }`;
      const seen = await t.gql(POST_IMAGES, { id: toGlobalId('Post', internalPost) }, owner.accessToken);
      expect(seen.errors).toBeUndefined();
      const [shown] = seen.data!.post.images;
      expect(shown).toEqual({
        id: body.id,
        url: body.url,
        width: 1100,
        height: 550,
        animated: true,
        variants: variantsOf(
          body.id,
          [
            [320, 160],
            [640, 320],
            [1024, 512],
          ],
          [1100, 550],
        ),
        srcset: `${body.url}?w=320 320w, ${body.url}?w=640 640w, ${body.url}?w=1024 1024w, ${body.url} 1100w`,
      });

      // The customer of a hybrid space of the same organization: no width of it, like the image itself.
      expect(
        (await t.gql(POST_IMAGES, { id: toGlobalId('Post', internalPost) }, customer.accessToken)).data?.post,
      ).toBeFalsy();
      const urls = [body.url, ...['320', '640', '1024', '2048'].map((w) => `${body.url}?w=${w}`)];
      for (const url of urls) {
        expect([url, (await fetchAs(owner.accessToken, url)).status]).toEqual([url, 200]);
        const denied = await fetchAs(customer.accessToken, url);
        expect([url, denied.status, JSON.parse(denied.body.toString())]).toEqual([
          url,
          404,
          { code: 'NOT_FOUND', message: 'Upload not found' },
        ]);
      }
      // Deleting the post withdraws every width at once.
      await t.sql.query('UPDATE posts SET deleted_at = now() WHERE id = $1', [internalPost]);
      for (const url of urls) expect([url, (await fetchAs(owner.accessToken, url)).status]).toEqual([url, 404]);
    });

    it('attaches only the viewer’s own images, not used by another post', async () => {
      const mine = (await upload(owner.accessToken, await image('png'), 'a.png')).body.id;
      const customers = (await upload(customer.accessToken, await image('png'), 'c.png')).body.id;
      const refused = { code: 'BAD_USER_INPUT', details: { fieldErrors: { imageIds: [expect.any(String)] } } };

      await expect(attach(owner, [customers])).rejects.toMatchObject(refused);
      await expect(attach(owner, [mine, 'not-an-id'])).rejects.toMatchObject(refused);
      await attach(owner, [mine]);
      await attach(owner, [mine]); // resent by an edit of the same post
      const otherPost = await insertPost(hybrid);
      await expect(attach(owner, [mine], otherPost)).rejects.toMatchObject(refused);
      const { rows } = await t.sql.query('SELECT post_id, space_id FROM uploads WHERE id = $1', [
        fromGlobalId(mine, 'Upload'),
      ]);
      expect(rows).toEqual([{ post_id: postId, space_id: hybrid }]);
    });

    it('is hidden again once its post is deleted', async () => {
      const { body } = await upload(owner.accessToken, await image('png'), 'a.png');
      const post = await insertPost(hybrid);
      await attach(owner, [body.id], post);
      expect((await fetchAs(customer.accessToken, body.url)).status).toBe(200);
      await t.sql.query('UPDATE posts SET deleted_at = now() WHERE id = $1', [post]);
      expect((await fetchAs(customer.accessToken, body.url)).status).toBe(404);
    });

    // The second wall: as ruche_app, with no WHERE clause and forged writes.
    it('row-level security shows people only their own uploads and those of spaces they read', async () => {
      expect((await upload(customer.accessToken, await image('png'), 'mine.png')).status).toBe(201);
      await attach(owner, [(await upload(owner.accessToken, await image('png'), 'a.png')).body.id]);
      const app = new Pool({ connectionString: t.config.database.appUrl, max: 1 });
      const asApp = async <T>(person: Person, fn: (c: PoolClient) => Promise<T>): Promise<T> => {
        const c = await app.connect();
        try {
          await c.query('BEGIN');
          await c.query(`SELECT set_config('ruche.user_id', $1, true)`, [userId(person)]);
          return await fn(c);
        } finally {
          await c.query('ROLLBACK');
          c.release();
        }
      };
      const failure = (p: Promise<unknown>) =>
        p.then(
          () => 'no error',
          (e: { code: string }) => e.code,
        );
      try {
        const visible = await asApp(otherCustomer, (c) => c.query('SELECT owner_id, space_id FROM uploads'));
        expect(visible.rows).toEqual([]);
        const seenByCustomer = await asApp(customer, (c) => c.query('SELECT owner_id, space_id FROM uploads'));
        expect(seenByCustomer.rows.length).toBeGreaterThan(0);
        for (const r of seenByCustomer.rows)
          expect(r.owner_id === userId(customer) || r.space_id === hybrid).toBe(true);

        const forged = `INSERT INTO uploads (owner_id, space_id, storage_key, content_type, bytes, width, height, created_at)
                        VALUES ($1, $2, $3, 'image/webp', 1, 1, 1, now())`;
        const someoneElse = [userId(owner), null, randomUUID()];
        expect(await asApp(stranger, (c) => failure(c.query(forged, someoneElse)))).toBe('42501');
        const preAttached = [userId(stranger), hybrid, randomUUID()];
        expect(await asApp(stranger, (c) => failure(c.query(forged, preAttached)))).toBe('42501');
        // The customer sees the owner's attached images but cannot take them, nor move theirs out of their spaces.
        expect(seenByCustomer.rows.some((r) => r.owner_id === userId(owner))).toBe(true);
        const take = `UPDATE uploads SET owner_id = $1 WHERE owner_id <> $1`;
        expect((await asApp(customer, (c) => c.query(take, [userId(customer)]))).rowCount).toBe(0);
        const move = `UPDATE uploads SET space_id = $2 WHERE owner_id = $1`;
        expect(await asApp(customer, (c) => failure(c.query(move, [userId(customer), otherHybrid])))).toBe('42501');
        expect(await asApp(owner, (c) => failure(c.query('DELETE FROM uploads')))).toBe('42501');
      } finally {
        await app.end();
      }
    });
  });
});

/** supertest buffers unknown types as text; images and errors are compared as bytes. */
function binaryParser(res: any, done: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
