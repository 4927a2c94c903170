import type { ReactNode } from 'react';

/**
 * Highlighting without HTML: the server's headline marks matches between « and » (plain text, never markup),
 * and titles get the query's words marked here. Both build React text nodes and <mark> elements only.
 */
export function Headline({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let buffer = '';
  let inMark = false;
  const flush = (mark: boolean) => {
    // The excerpt is of the Markdown source: its emphasis and code markers are noise here.
    const piece = buffer.replace(/\*\*|__|`/g, '');
    buffer = '';
    if (!piece) return;
    parts.push(mark ? <mark key={parts.length}>{piece}</mark> : piece);
  };
  // The server's markers hug the matched word («word»); French quotation marks have a space inside (« mot »).
  const chars = [...text];
  const blank = (c: string | undefined) => c === undefined || /\s/u.test(c);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '«' && !inMark && !blank(chars[i + 1])) {
      flush(false);
      inMark = true;
    } else if (ch === '»' && inMark && !blank(chars[i - 1])) {
      flush(true);
      inMark = false;
    } else {
      buffer += ch;
    }
  }
  flush(inMark);
  return <>{parts}</>;
}

/** Lower case without accents, one UTF-16 unit per unit of the input (so indexes match the original). */
function fold(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += (text[i]!.normalize('NFD')[0] ?? text[i]!).toLowerCase()[0] ?? text[i]!;
  return out;
}

/** Words too common to be worth marking (the server's French and English dictionaries skip them too). */
const STOP_WORDS = new Set(
  'the and for with from that this are was were you your our not but all any can has have les des une pour avec dans sur par pas est sont qui que aux ces ses vos nos'.split(' '),
);

/** The words of a web-search query worth highlighting: no operators, no excluded or common words, 2 letters or more. */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const raw of query.split(/\s+/)) {
    if (!raw || raw.startsWith('-') || raw.toLowerCase() === 'or') continue;
    for (const word of raw.split(/[^\p{L}\p{N}]+/u)) {
      const folded = fold(word);
      if (folded.length >= 2 && !STOP_WORDS.has(folded)) terms.add(folded);
    }
  }
  return [...terms];
}

/** `text` with every occurrence of `terms` (accents and case ignored) in a <mark>. */
export function HighlightTerms({ text, terms }: { text: string; terms: readonly string[] }) {
  if (!terms.length) return <>{text}</>;
  const folded = fold(text);
  const marked = new Array<boolean>(text.length).fill(false);
  for (const term of terms) {
    for (let at = folded.indexOf(term); at !== -1; at = folded.indexOf(term, at + term.length)) {
      for (let i = at; i < at + term.length; i++) marked[i] = true;
    }
  }
  const parts: ReactNode[] = [];
  let start = 0;
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || marked[i] !== marked[start]) {
      const piece = text.slice(start, i);
      parts.push(marked[start] ? <mark key={start}>{piece}</mark> : piece);
      start = i;
    }
  }
  return <>{parts}</>;
}
