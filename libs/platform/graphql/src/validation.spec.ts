import 'reflect-metadata';
import { IsOptional, IsString } from 'class-validator';
import { DomainError } from '@ruche/kernel';
import { createValidationPipe, MultilineText, NameText } from './validation';

class Input {
  @IsString() title!: string;
  @MultilineText() @IsOptional() @IsString() body?: string;
  @NameText() @IsOptional() @IsString() name?: string;
}

describe('the input pipe', () => {
  const pipe = createValidationPipe();
  const args = (value: unknown, metatype: unknown = Input, data?: string) =>
    pipe.transform(value, { type: 3 as never, metatype: metatype as never, data });
  const fieldErrors = async (attempt: Promise<unknown>) => {
    try {
      await attempt;
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      return (e as DomainError).details.fieldErrors;
    }
    throw new Error('expected BAD_USER_INPUT');
  };

  it('refuses controls in single-line fields, keeps line breaks in multi-line ones, names each field', async () => {
    expect(await fieldErrors(args({ title: 'a\u0000b' }))).toEqual({ title: [expect.any(String)] });
    expect(await fieldErrors(args({ title: 'ok', body: 'x\u0000' }))).toEqual({ body: [expect.any(String)] });
    expect(await args({ title: 'ok', body: 'two\nlines\r\n\tindented' })).toMatchObject({
      body: 'two\nlines\r\n\tindented',
    });
    expect(await fieldErrors(args({ title: 'two\nlines' }))).toEqual({ title: [expect.any(String)] });
  });

  it('checks scalar arguments under their own name, lone surrogates before class-validator sees them', async () => {
    expect(await fieldErrors(args('\ud800', String, 'query'))).toEqual({ query: ['must be valid Unicode text'] });
    expect(await fieldErrors(args({ title: '\udbff\udbff' }))).toEqual({ title: ['must be valid Unicode text'] });
  });

  it('normalizes names to NFC and refuses look-alike mixes', async () => {
    expect(await args({ title: 'x', name: 'Ame\u0301lie' })).toMatchObject({ name: 'Amélie' });
    expect(await fieldErrors(args({ title: 'x', name: 'P\u0430ul' }))).toEqual({
      name: ['must not mix Latin and Cyrillic letters'],
    });
  });

  it('reports prototype-named keys as plain fields, without touching any prototype', async () => {
    const hostile = JSON.parse('{"title": "x", "__proto__": {"polluted": 1}, "constructor": "a\\u0000"}');
    expect(await fieldErrors(args(hostile))).toEqual({ constructor: ['must not contain control characters'] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves values declared unknown (socket payloads) to their handler', async () => {
    expect(await args({ spaceId: '\u0000' }, Object)).toEqual({ spaceId: '\u0000' });
  });
});
