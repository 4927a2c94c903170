import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Badge } from '../Author';
import { graphql } from '../../gql';

const MENTION_CANDIDATES = graphql(`
  query ComposerMentionCandidates($spaceId: ID!, $query: String!, $first: Int!) {
    mentionCandidates(spaceId: $spaceId, query: $query, first: $first) {
      user {
        id
        displayName
      }
      badge {
        ...BadgeFields
      }
    }
  }
`);

/** People mentioned so far: user id → the name inserted as `@Name`. */
export type MentionMap = ReadonlyMap<string, string>;

/**
 * The mentions to send: the server takes User ids (`mentions: [ID!]`) and parses nothing in the text, so the
 * text carries `@Display Name` for readers and the ids of those still named in it go with the post.
 */
export function mentionIds(body: string, mentions: MentionMap): string[] {
  return [...mentions].filter(([, name]) => body.includes(`@${name}`)).map(([id]) => id);
}

/** `@query` right before the caret: after the start, a space or an opening bracket; no space inside. */
export function mentionTrigger(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|[\s([{])@([^\s@]{0,40})$/u.exec(before);
  if (!match) return null;
  return { start: caret - match[2]!.length - 1, query: match[2]! };
}

/**
 * A Markdown text area with @mention autocomplete: typing `@` and the start of a name lists the people who
 * can read the space (`mentionCandidates`); ↑/↓ choose, Enter or Tab insert, Escape closes.
 */
export function MentionTextarea({
  label,
  value,
  onChange,
  spaceId,
  mentions,
  onMention,
  error,
  description,
  rows = 6,
  autoFocus,
  onSubmitShortcut,
  className,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  spaceId: string;
  mentions: MentionMap;
  onMention(userId: string, name: string): void;
  error?: string;
  description?: string;
  rows?: number;
  autoFocus?: boolean;
  onSubmitShortcut?(): void;
  className?: string;
}) {
  const { t } = useTranslation('feed');
  const id = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [trigger, setTrigger] = useState<{ start: number; query: string } | null>(null);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [query, setQuery] = useState<string | null>(null);

  // Debounced: one request per pause in typing, not per key.
  useEffect(() => {
    const next = trigger && trigger.start !== dismissedAt ? trigger.query : null;
    const timer = setTimeout(() => setQuery(next), next === null ? 0 : 150);
    return () => clearTimeout(timer);
  }, [trigger, dismissedAt]);

  const { data } = useQuery(MENTION_CANDIDATES, {
    variables: { spaceId, query: query ?? '', first: 8 },
    skip: query === null || !spaceId,
    fetchPolicy: 'cache-first',
  });
  const candidates = query !== null && trigger && trigger.start !== dismissedAt ? (data?.mentionCandidates ?? []) : [];
  const open = candidates.length > 0;
  const listId = `${id}-list`;
  const optionId = (i: number) => `${id}-opt-${i}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const descId = `${id}-desc`;

  useEffect(() => setActive(0), [query]);

  const update = (el: HTMLTextAreaElement) => {
    const next = mentionTrigger(el.value, el.selectionStart ?? el.value.length);
    setTrigger((prev) => (prev?.start === next?.start && prev?.query === next?.query ? prev : next));
  };

  const pick = (index: number) => {
    const candidate = candidates[index];
    const el = ref.current;
    if (!candidate || !trigger || !el) return;
    const name = candidate.user.displayName;
    const caret = el.selectionStart ?? value.length;
    const insert = `@${name} `;
    const next = value.slice(0, trigger.start) + insert + value.slice(caret);
    onMention(candidate.user.id, name);
    onChange(next);
    setTrigger(null);
    const pos = trigger.start + insert.length;
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(pos, pos);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        setActive((a) => (a + 1) % candidates.length);
        return;
      }
      if (e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((a) => (a - 1 + candidates.length) % candidates.length);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey && !e.metaKey && !e.ctrlKey) || e.key === 'Tab') {
        e.preventDefault();
        pick(active);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setDismissedAt(trigger?.start ?? null);
        return;
      }
    }
    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey) && onSubmitShortcut) {
      e.preventDefault();
      onSubmitShortcut();
    }
  };

  const describedBy = [hintId, description ? descId : null, error ? errorId : null].filter(Boolean).join(' ');
  const mentioned = [...mentions.values()].filter((name) => value.includes(`@${name}`));

  return (
    <div className={`field mention-field${className ? ` ${className}` : ''}`} data-invalid={error ? true : undefined}>
      <label htmlFor={`${id}-input`}>{label}</label>
      <div className="mention-wrap">
        <textarea
          id={`${id}-input`}
          ref={ref}
          rows={rows}
          value={value}
          autoFocus={autoFocus}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          role="combobox"
          aria-expanded={open}
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? optionId(active) : undefined}
          onChange={(e) => {
            onChange(e.target.value);
            update(e.target);
          }}
          onSelect={(e) => update(e.currentTarget)}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setTrigger(null), 150)}
        />
        {open && (
          <ul id={listId} role="listbox" className="mention-list" aria-label={t('mentions.listLabel')}>
            {candidates.map((c, i) => (
              <li
                key={c.user.id}
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                className={`mention-option${i === active ? ' is-active' : ''}`}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => pick(i)}
              >
                <span className="author-name">{c.user.displayName}</span> <Badge badge={c.badge} />
              </li>
            ))}
          </ul>
        )}
      </div>
      <span id={hintId} className="field-hint">
        {t('mentions.hint')}
      </span>
      {description && (
        <span id={descId} className="field-hint">
          {description}
        </span>
      )}
      <span className="visually-hidden" role="status" aria-live="polite">
        {query !== null && data ? t('mentions.found', { count: candidates.length }) : ''}
      </span>
      {mentioned.length > 0 && (
        <span className="field-hint">{t('mentions.willNotify', { names: mentioned.join(', ') })}</span>
      )}
      {error && (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
