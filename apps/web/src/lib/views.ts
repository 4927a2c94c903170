import { useEffect, type RefObject } from 'react';
import { useApolloClient } from '@apollo/client/react';
import type { ApolloClient } from '@apollo/client';
import { graphql } from '../gql';

/**
 * Views for the engagement figures: posts that were at least half on screen are reported with `recordViews`,
 * in batches (every few seconds and when the page is hidden), at most 100 ids per call, each post once per
 * page load. The server counts one view per person, post and day anyway; this keeps the traffic small.
 */
const RECORD_VIEWS = graphql(`
  mutation RecordViews($input: RecordViewsInput!) {
    recordViews(input: $input) {
      recorded
    }
  }
`);

const FLUSH_MS = 5000;
const BATCH = 100;

const reported = new Set<string>();
let queue: string[] = [];
let client: ApolloClient | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let observer: IntersectionObserver | null = null;
const ids = new WeakMap<Element, string>();

function flush(leaving = false): void {
  if (timer) clearTimeout(timer);
  timer = null;
  if (!client || queue.length === 0) return;
  const batch = queue;
  queue = [];
  for (let i = 0; i < batch.length; i += BATCH) {
    void client
      .mutate({
        mutation: RECORD_VIEWS,
        variables: { input: { postIds: batch.slice(i, i + BATCH) } },
        // keepalive lets the last batch finish while the page goes away.
        context: leaving ? { fetchOptions: { keepalive: true } } : undefined,
      })
      // A lost batch only lowers a statistic; never bother the reader with it.
      .catch(() => undefined);
  }
}

function seen(postId: string): void {
  if (reported.has(postId)) return;
  reported.add(postId);
  queue.push(postId);
  if (queue.length >= BATCH) flush();
  else timer ??= setTimeout(flush, FLUSH_MS);
}

function sharedObserver(): IntersectionObserver | null {
  if (observer || typeof IntersectionObserver === 'undefined') return observer;
  observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        // Half of the card, or half of the screen for a card taller than it.
        const enough = e.intersectionRatio >= 0.5 || e.intersectionRect.height >= window.innerHeight * 0.5;
        const id = ids.get(e.target);
        if (e.isIntersecting && enough && id) {
          seen(id);
          observer?.unobserve(e.target);
        }
      }
    },
    { threshold: [0, 0.5, 1] },
  );
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flush(true));
  window.addEventListener('pagehide', () => flush(true));
  return observer;
}

/** Reports the post shown in `ref` once it has been on screen (not for deleted or hidden posts: pass null). */
export function useRecordView(ref: RefObject<Element | null>, postId: string | null): void {
  const apollo = useApolloClient();
  useEffect(() => {
    client = apollo;
    const el = ref.current;
    const io = sharedObserver();
    if (!el || !postId || !io || reported.has(postId)) return;
    ids.set(el, postId);
    io.observe(el);
    return () => io.unobserve(el);
  }, [apollo, ref, postId]);
}
