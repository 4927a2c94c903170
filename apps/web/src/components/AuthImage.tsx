import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { freshAccessToken, onSessionChange } from '../lib/session';

/** One served width of an image (`Image.variants`). */
export interface ImageVariantLike {
  url: string;
  width: number;
  height: number;
}

export interface ImageLike {
  id: string;
  url: string;
  width: number;
  height: number;
  animated?: boolean;
  variants?: readonly ImageVariantLike[] | null;
}

/**
 * `GET /uploads/:id` needs the bearer token, which an `<img src>` / `srcset` cannot send (docs/api.md,
 * Images). So the component does what `srcset` + `sizes` would: it picks the narrowest served width at
 * least as wide as the slot it is shown in (times the device pixel ratio), fetches those bytes with the
 * token once the image nears the viewport (like `loading="lazy"`), and shows them through a blob URL.
 * A phone 375 px wide therefore gets the 640 or 1024 px copy, never the 2,048 px original.
 */
const blobs = new Map<string, Promise<string>>();
const MAX_BLOBS = 300;

onSessionChange((signedIn) => {
  if (signedIn) return;
  for (const p of blobs.values()) void p.then((u) => URL.revokeObjectURL(u)).catch(() => undefined);
  blobs.clear();
});

function loadBlob(url: string): Promise<string> {
  const hit = blobs.get(url);
  if (hit) return hit;
  const promise = (async () => {
    const token = await freshAccessToken();
    const res = await fetch(url, {
      credentials: 'same-origin',
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (!res.ok) throw new Error(`image ${res.status}`);
    return URL.createObjectURL(await res.blob());
  })();
  promise.catch(() => blobs.delete(url));
  blobs.set(url, promise);
  if (blobs.size > MAX_BLOBS) {
    const [oldest, p] = blobs.entries().next().value as [string, Promise<string>];
    blobs.delete(oldest);
    void p.then((u) => URL.revokeObjectURL(u)).catch(() => undefined);
  }
  return promise;
}

/** The `srcset` choice: the narrowest variant at least `cssWidth × dpr` wide, else the widest. */
export function pickVariant(
  image: ImageLike,
  cssWidth: number,
  dpr = globalThis.devicePixelRatio || 1,
): ImageVariantLike {
  const variants = image.variants?.length ? [...image.variants].sort((a, b) => a.width - b.width) : [image];
  const needed = Math.ceil(cssWidth * dpr);
  return variants.find((v) => v.width >= needed) ?? variants[variants.length - 1]!;
}

function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * An uploaded image shown at the width of its slot. `maxCssWidth` is what `sizes` would say
 * (e.g. 700 for `(max-width: 700px) 100vw, 700px`); the slot's measured width wins when narrower.
 * Its box keeps the image's ratio before the bytes arrive (no layout shift).
 */
export function AuthImage({
  image,
  alt,
  maxCssWidth = 700,
  className,
}: {
  image: ImageLike;
  alt: string;
  maxCssWidth?: number;
  className?: string;
}) {
  const { t } = useTranslation('feed');
  const box = useRef<HTMLSpanElement>(null);
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [near, setNear] = useState(false);
  const [play, setPlay] = useState(() => !image.animated || !prefersReducedMotion());

  useEffect(() => {
    const el = box.current;
    if (!el || near) return;
    if (typeof IntersectionObserver !== 'function') {
      setNear(true);
      return;
    }
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setNear(true);
          io.disconnect();
        }
      },
      { rootMargin: '600px 0px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [near]);

  useEffect(() => {
    if (!near || !play) return;
    let live = true;
    const slot = Math.min(box.current?.clientWidth || maxCssWidth, maxCssWidth);
    const variant = pickVariant(image, slot);
    loadBlob(variant.url).then(
      (url) => live && setSrc(url),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [near, play, image, maxCssWidth]);

  return (
    <span ref={box} className={`auth-image${className ? ` ${className}` : ''}`}>
      {src ? (
        <img src={src} alt={alt} width={image.width} height={image.height} decoding="async" />
      ) : (
        <>
          <svg
            viewBox={`0 0 ${image.width} ${image.height}`}
            className="auth-image-placeholder"
            role="img"
            aria-label={alt}
          >
            <rect width="100%" height="100%" />
          </svg>
          {failed && <span className="auth-image-note">{t('image.unavailable')}</span>}
          {!play && (
            <button type="button" className="btn auth-image-play" onClick={() => setPlay(true)}>
              {t('image.play')}
            </button>
          )}
        </>
      )}
    </span>
  );
}
