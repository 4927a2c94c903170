/**
 * What a string sent by a client may contain (docs/security.md, "Input"). PostgreSQL refuses NUL and lone
 * UTF-16 surrogates in `text`, so they are refused before anything runs; other control characters are refused
 * because nobody types them and they hide or reorder what people read.
 */
export type TextKind = 'line' | 'multiline' | 'name';

// C0, DEL and C1 controls. Multi-line text (bodies, notes) keeps tab, line feed and carriage return.
const LINE_CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;
const MULTILINE_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// Bidi embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069): they make a name read as another.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one (code units, no `u` flag).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const SCRIPTS = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
] as const;

/** Why `value` is not acceptable text of this kind, or null. */
export function textProblem(value: string, kind: TextKind): string | null {
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text';
  if ((kind === 'multiline' ? MULTILINE_CONTROLS : LINE_CONTROLS).test(value)) {
    return kind === 'multiline'
      ? 'must not contain control characters'
      : 'must be a single line without control characters';
  }
  if (kind === 'name') return nameProblem(value);
  return null;
}

/**
 * The look-alike rule for names people and organizations are known by (display names, organization and
 * customer company names): no bidi controls, and letters of at most one of Latin, Cyrillic and Greek, whose
 * letters look alike ("Pаul" with a Cyrillic а). Other scripts mix freely (e.g. "Tanaka 田中").
 */
export function nameProblem(value: string): string | null {
  if (BIDI_CONTROLS.test(value)) return 'must not contain bidirectional control characters';
  const used = SCRIPTS.filter(([, letters]) => letters.test(value)).map(([script]) => script);
  if (used.length > 1) return `must not mix ${used.join(' and ')} letters`;
  return null;
}

/** The canonical form of a name or address: NFC, so the same text typed on two keyboards is the same string. */
export function normalizeText(value: string): string {
  return value.normalize('NFC');
}
