import fc from 'fast-check';
import { normalizeDomain, normalizeEmail } from './email';
import { nameProblem, normalizeText, textProblem } from './text';

describe('text input rules', () => {
  it('refuses NUL and other controls in a line, keeps tab and line breaks in multi-line text', () => {
    for (const bad of ['a\u0000b', 'a\u0007', '\u001b[31m', 'a\u007f', 'a\u0085']) {
      expect(textProblem(bad, 'line')).not.toBeNull();
      expect(textProblem(bad, 'multiline')).not.toBeNull();
    }
    for (const lineBreak of ['a\nb', 'a\r\nb', 'a\tb']) {
      expect(textProblem(lineBreak, 'line')).not.toBeNull();
      expect(textProblem(lineBreak, 'multiline')).toBeNull();
    }
    expect(textProblem('Crème brûlée 🍮 — 田中', 'line')).toBeNull();
  });

  it('refuses lone surrogates and accepts paired ones', () => {
    for (const bad of ['\ud800', 'a\udc00b', '\udbff\ud800', '😀'.slice(0, 1)]) {
      expect(textProblem(bad, 'line')).toBe('must be valid Unicode text');
      expect(textProblem(bad, 'multiline')).toBe('must be valid Unicode text');
    }
    expect(textProblem('😀\ud83d\ude00', 'line')).toBeNull();
  });

  it('accepts any well-formed string without controls, whatever its kind', () => {
    const clean = fc.string({ unit: 'grapheme' }).filter((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s));
    fc.assert(
      fc.property(clean, (s) => {
        expect(textProblem(s, 'line')).toBeNull();
        expect(textProblem(s, 'multiline')).toBeNull();
      }),
    );
  });

  it('refuses bidi overrides and isolates in names', () => {
    for (const c of ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069']) {
      expect(nameProblem(`Paul${c}Smith`)).toBe('must not contain bidirectional control characters');
      expect(textProblem(`Paul${c}Smith`, 'name')).not.toBeNull();
    }
    // Other text may quote them (a post about bidi), names may not.
    expect(textProblem('a \u202e b', 'multiline')).toBeNull();
  });

  it('refuses names that mix Latin, Cyrillic and Greek letters, accepts each alone and other scripts', () => {
    expect(nameProblem('P\u0430ul')).toBe('must not mix Latin and Cyrillic letters'); // Cyrillic а
    expect(nameProblem('Ap\u03bfllo')).toBe('must not mix Latin and Greek letters'); // Greek ο
    expect(nameProblem('\u0410\u03b1')).toBe('must not mix Cyrillic and Greek letters');
    for (const ok of [
      'Paul Dupont',
      'Zoë Ångström-Łukasz',
      'Иван Петров',
      'Ελένη Παππά',
      'Tanaka 田中',
      'أحمد Ali',
      '42 & Co.',
    ]) {
      expect(nameProblem(ok)).toBeNull();
    }
  });

  it('normalizes names, addresses and domains to NFC', () => {
    const decomposed = 'Ame\u0301lie';
    expect(normalizeText(decomposed)).toBe('Amélie');
    expect(normalizeEmail(' E\u0301lodie@Exemple.TEST ')).toBe('élodie@exemple.test');
    expect(normalizeDomain('Cafe\u0301.Example')).toBe('café.example');
  });
});
