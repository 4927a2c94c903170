import sharp from 'sharp';
import { badInput } from '@ruche/kernel';

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MAX_INPUT_PIXELS = 40_000_000;
export const MAX_WIDTH = 2048;

/** What we decode: the types browsers show everywhere. SVG (scripts), TIFF, HEIC… are refused. */
const ACCEPTED = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);

export interface EncodedImage {
  bytes: Buffer;
  contentType: string;
  width: number;
  height: number;
}

const unsupported = () => badInput({ file: ['is not a supported image (JPEG, PNG, WebP or GIF)'] });

/**
 * Checks an uploaded file and re-encodes it. The type comes from its magic bytes, never from the name or
 * declared type the client sent. Re-encoding to WebP is what makes the file safe to serve: only pixels
 * survive (no EXIF or GPS position, no ICC/XMP, no trailing payload, a GIF's first frame only).
 */
export async function reencodeImage(input: Buffer): Promise<EncodedImage> {
  // file-type is ESM-only: loaded on demand (Node 20.19+ and Jest load it through require()).
  const { fileTypeFromBuffer } = await import('file-type');
  const type = await fileTypeFromBuffer(input);
  if (!type || !ACCEPTED.has(type.mime)) throw unsupported();

  // The header alone gives the size: refuse a decompression bomb before decoding any pixel.
  const meta = await sharp(input)
    .metadata()
    .catch(() => {
      throw unsupported();
    });
  if (!meta.width || !meta.height) throw unsupported();
  if (meta.width * meta.height > MAX_INPUT_PIXELS) {
    throw badInput({ file: [`is larger than ${MAX_INPUT_PIXELS / 1_000_000} megapixels`] });
  }

  try {
    const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate() // applies the EXIF orientation to the pixels, since the tag itself is dropped
      .resize({ width: MAX_WIDTH, withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, contentType: 'image/webp', width: info.width, height: info.height };
  } catch {
    // A truncated or corrupt file passes the magic bytes but not the decoder.
    throw badInput({ file: ['could not be read as an image'] });
  }
}
