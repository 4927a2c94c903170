import sharp from 'sharp';
import { badInput } from '@ruche/kernel';

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Pixels of one frame (a still image, or each frame of an animation). */
export const MAX_INPUT_PIXELS = 40_000_000;
/** Frames of an animation, and its pixels all frames together (width × height × frames). */
export const MAX_FRAMES = 200;
export const MAX_ANIMATION_PIXELS = 100_000_000;
export const MAX_WIDTH = 2048;
/**
 * The widths an image is served in (`GET /uploads/:id?w=`). Each one narrower than the image is stored at
 * upload; the image itself (at most `MAX_WIDTH`) is the widest rendition. Nothing is ever upscaled.
 */
export const VARIANT_WIDTHS = [320, 640, 1024, 2048] as const;

/** What we decode: the types browsers show everywhere. SVG (scripts), TIFF, HEIC… are refused. */
const ACCEPTED = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);

export interface Rendition {
  bytes: Buffer;
  width: number;
  /** Of one frame, for an animation. */
  height: number;
  /** 1 for a still image (or an animation whose frames were all alike, merged by the encoder). */
  frames: number;
}

export interface EncodedImage extends Rendition {
  contentType: string;
  /** Narrower copies, narrowest first, each at a width of `VARIANT_WIDTHS` below the image's own. */
  variants: Rendition[];
}

const unsupported = () => badInput({ file: ['is not a supported image (JPEG, PNG, WebP or GIF)'] });

/**
 * Checks an uploaded file and re-encodes it, with its narrower variants. The type comes from its magic bytes,
 * never from the name or declared type the client sent. Re-encoding to WebP is what makes the file safe to
 * serve: only pixels survive (no EXIF or GPS position, no ICC/XMP, no trailing payload).
 *
 * Animated GIF and WebP stay animated, re-encoded as animated WebP: a fraction of a GIF's size (full colour
 * and alpha instead of a 256-colour palette), shown by every current browser, and one output type for all
 * uploads. Frame timing and loop count are kept. Animations are bounded before any pixel is decoded.
 */
export async function reencodeImage(input: Buffer): Promise<EncodedImage> {
  // file-type is ESM-only: loaded on demand (Node 20.19+ and Jest load it through require()).
  const { fileTypeFromBuffer } = await import('file-type');
  const type = await fileTypeFromBuffer(input);
  if (!type || !ACCEPTED.has(type.mime)) throw unsupported();

  // The header alone gives the size (of one frame) and the number of frames: refuse a decompression bomb
  // before decoding any pixel.
  const meta = await sharp(input)
    .metadata()
    .catch(() => {
      throw unsupported();
    });
  if (!meta.width || !meta.height) throw unsupported();
  if (meta.width * meta.height > MAX_INPUT_PIXELS) {
    throw badInput({ file: [`is larger than ${MAX_INPUT_PIXELS / 1_000_000} megapixels`] });
  }
  const frames = type.mime === 'image/gif' || type.mime === 'image/webp' ? (meta.pages ?? 1) : 1;
  if (frames > MAX_FRAMES) {
    throw badInput({ file: [`is an animation of more than ${MAX_FRAMES} frames`] });
  }
  if (meta.width * meta.height * frames > MAX_ANIMATION_PIXELS) {
    throw badInput({
      file: [`is an animation larger than ${MAX_ANIMATION_PIXELS / 1_000_000} megapixels (width × height × frames)`],
    });
  }
  const animated = frames > 1;

  try {
    const image = await encode(input, MAX_WIDTH, animated);
    const variants: Rendition[] = [];
    // Widest first: an animation's next variant is resized from the previous one, which decodes far fewer
    // pixels than the upload (a still's comes from the upload itself, which JPEG and WebP shrink on load).
    for (const width of VARIANT_WIDTHS.filter((w) => w < image.width).reverse()) {
      variants.unshift(await encode(animated ? (variants[0]?.bytes ?? image.bytes) : input, width, animated));
    }
    return { ...image, contentType: 'image/webp', variants };
  } catch {
    // A truncated or corrupt file passes the magic bytes but not the decoder.
    throw badInput({ file: ['could not be read as an image'] });
  }
}

/** WebP at most `width` wide, keeping the ratio; every frame of an animation (with its delays and loop). */
async function encode(input: Buffer, width: number, animated: boolean): Promise<Rendition> {
  let pipeline = sharp(input, {
    // For an animation the limit applies to all frames stacked together.
    limitInputPixels: animated ? MAX_ANIMATION_PIXELS : MAX_INPUT_PIXELS,
    failOn: 'error',
    animated,
  });
  // Applies the EXIF orientation to the pixels, since the tag itself is dropped. libvips cannot rotate an
  // animation; GIF has no orientation and animated WebP from cameras does not exist in practice.
  if (!animated) pipeline = pipeline.rotate();
  const { data, info } = await pipeline
    .resize({ width, withoutEnlargement: true })
    .webp({ quality: 82 })
    .toBuffer({ resolveWithObject: true });
  if (!animated) return { bytes: data, width: info.width, height: info.height, frames: 1 };
  // The encoder merges consecutive frames that are alike: count what it wrote (from the header).
  const frames = (await sharp(data).metadata()).pages ?? 1;
  // An animation's frames are stacked vertically: `height` is all of them, `pageHeight` one.
  return { bytes: data, width: info.width, height: info.pageHeight ?? info.height, frames };
}
