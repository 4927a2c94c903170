import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedOutputType,
  type GraphQLSchema,
} from 'graphql';
import { toGlobalId } from '@ruche/kernel';

/**
 * Schema-driven generators for the fuzzer (test/fuzz.e2e-spec.ts): hostile values for every argument type,
 * and an operation (document + variables) for any root field.
 */

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const cursorOf = (key: unknown) => b64(JSON.stringify(key));

/** Strings that broke or could break something: controls, bidi, lone surrogates, look-alikes, sizes, syntax. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'title\u0000',
  '\u0007\u0008\u001b[2J',
  'line\nbreak',
  'tab\there',
  '\u202eevil.exe',
  'Paul\u2066Smith\u2069',
  '\ud800',
  'a\udfffb',
  '\udbff\udbff',
  'P\u0430ul',
  'Ame\u0301lie',
  'zero\u200bwidth',
  '\ufeffbom',
  '\u0085next line',
  '😀🏳️‍🌈',
  'مرحبا',
  "'; DROP TABLE users; --",
  '%_\\',
  '\\x00',
  '$1',
  '" OR 1=1',
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '{"__proto__":{"admin":true}}',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '2024-02-30',
  '2024-13-01',
  '0000-00-00',
  '9999-12-31',
  '2024-01-01',
  '"unclosed',
  '!(&|:*)',
  'a:* & !b',
  '@everyone',
  'x'.repeat(300),
  'é'.repeat(5000),
  'x'.repeat(100_000),
];

const CURSORS = [
  'garbage',
  '',
  b64('not json'),
  cursorOf(null),
  cursorOf({}),
  cursorOf([]),
  cursorOf([1]),
  cursorOf(['2024-13-01T00:00:00Z', randomUUID()]),
  cursorOf(['2024-02-30T00:00:00.000000Z', randomUUID()]),
  cursorOf(['9999-12-31T23:59:59.999999Z', randomUUID()]),
  cursorOf(['0000-01-01T00:00:00Z', randomUUID()]),
  cursorOf([1e308, randomUUID()]),
  cursorOf([-1e308, '2024-01-01T00:00:00Z', randomUUID()]),
  cursorOf([1e308, 1e308, randomUUID()]),
  cursorOf(['x\u0000', randomUUID()]),
  cursorOf(['x\u0000', 'y', randomUUID()]),
  cursorOf(['a', '2024-01-01T00:00:00Z', randomUUID()]),
  cursorOf([randomUUID(), randomUUID(), randomUUID()]),
  cursorOf([[1], { a: 1 }]),
  cursorOf([1, 2, 3, 4, 5]),
];

const uuid = '6f1c1e64-8a7c-4a5e-9a57-0d7f5f7a8d11';
const MALFORMED_IDS = [
  'garbage',
  '',
  '=',
  '\u0000',
  b64('Space:not-a-uuid'),
  b64(`Space:${uuid}\u0000`),
  b64(`\u0000:${uuid}`),
  b64(`Post:${uuid}' OR '1'='1`),
  b64(`${'Space'.repeat(60)}:${uuid}`),
  toGlobalId('Space', uuid),
  toGlobalId('Post', uuid),
  toGlobalId('User', '00000000-0000-0000-0000-000000000000'),
  toGlobalId('Nope', uuid),
  uuid,
  'x'.repeat(1000),
];

/** Ids the fuzzer knows: the first organization's (`own`, grown from answers) and the second's (`foreign`). */
export interface IdPools {
  own: string[];
  foreign: string[];
  cursors: string[];
}

const utf16String = fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)), maxLength: 40 });

export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: utf16String },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  );

const fromPool = (pool: string[]) => fc.nat().map((n) => (pool.length ? pool[n % pool.length] : 'empty-pool'));

function idArb(pools: IdPools): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fromPool(pools.own) },
    { weight: 3, arbitrary: fromPool(pools.foreign) },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_IDS) },
    { weight: 1, arbitrary: hostileString() },
  );
}

function stringArb(name: string, pools: IdPools): fc.Arbitrary<string> {
  const plausible = /after|cursor/i.test(name)
    ? fc.oneof(fromPool(pools.cursors), fc.constantFrom(...CURSORS))
    : /email/i.test(name)
      ? fc.constantFrom(
          'someone@example.test',
          'a@b',
          'x\u0000@example.test',
          'É@exemple.test',
          '@',
          'a@' + 'b'.repeat(300),
        )
      : /(from|to|on|start|end|period)/i.test(name)
        ? fc.constantFrom(
            '2024-01-01',
            '2024-02-30',
            '2024-13-01',
            '1900-01-01',
            '9999-12-31',
            '2024-1-1',
            '2025-06-30',
          )
        : fc.constantFrom('x', 'hello world', 'tag', 'A title');
  return fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 3, arbitrary: hostileString() });
}

const intArb = fc.oneof(
  fc.integer({ min: -3, max: 120 }),
  fc.constantFrom(0, -1, 1, 100, 101, 2 ** 31 - 1, -(2 ** 31)),
  // Outside GraphQL's Int: refused by coercion, never by a crash.
  fc.constantFrom(2 ** 31, 2 ** 53, 1e21, 1.5),
);
const floatArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 1e15, 0.1),
);
const dateTimeArb = fc.oneof(
  fc
    .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    '2024-13-45T99:99:99Z',
    '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00.000Z',
    '0000-00-00',
    '1970-01-01T00:00:00Z',
    'NaN',
    '2024-02-30',
  ),
  hostileString(),
);

/** A value for an input type: mostly of the right shape, with hostile leaves and sometimes the wrong shape. */
export function valueArb(type: GraphQLInputType, name: string, pools: IdPools, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueArb(type.ofType, name, pools, depth);
  if (isListType(type)) {
    const item = valueArb(type.ofType, name, pools, depth + 1);
    return fc.oneof(
      { weight: 6, arbitrary: fc.array(item, { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.array(item, { minLength: 101, maxLength: 150 }) },
    );
  }
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    return fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...values) },
      { weight: 1, arbitrary: fc.constantFrom('NOT_A_VALUE', values[0].toLowerCase(), '') },
    );
  }
  if (isInputObjectType(type)) {
    if (depth > 3) return fc.constant({});
    const fields = Object.values(type.getFields());
    const parts = Object.fromEntries(
      fields.map((f) => [
        f.name,
        isNonNullType(f.type)
          ? valueArb(f.type, f.name, pools, depth + 1)
          : fc.option(valueArb(f.type, f.name, pools, depth + 1), { nil: undefined, freq: 2 }),
      ]),
    );
    return fc.tuple(fc.record(parts), fc.nat(20)).map(([record, extra]) => {
      const value = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
      // Prototype keys, as JSON.parse makes them: own, enumerable properties.
      if (extra === 0) Object.defineProperty(value, '__proto__', { value: { admin: true }, enumerable: true });
      if (extra === 1) Object.assign(value, { constructor: { prototype: { admin: true } } });
      return value;
    });
  }
  switch (getNamedType(type).name) {
    case 'ID':
      return idArb(pools);
    case 'String':
      return stringArb(name, pools);
    case 'Int':
      return intArb;
    case 'Float':
      return floatArb;
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
      return dateTimeArb;
    default:
      return hostileString();
  }
}

/**
 * A selection for an output type: its leaves without required arguments, and, two levels down, its objects
 * (lists with a small `first`), so answers carry names and titles the tenant check can look for.
 */
export function selectionOf(type: GraphQLNamedOutputType, depth: number): string {
  if (isLeafType(type)) return '';
  const parts = ['__typename'];
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      if (parts.length > 14) break;
      const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
      if (required.some((a) => a.name !== 'first')) continue;
      const named = getNamedType(field.type);
      const args = required.length ? '(first: 2)' : '';
      if (isLeafType(named)) parts.push(`${field.name}${args}`);
      else if (depth > 0) parts.push(`${field.name}${args} { ${selectionOf(named, depth - 1)} }`);
    }
  }
  return parts.join(' ');
}

const typeString = (arg: GraphQLArgument) => arg.type.toString();

export interface FuzzOperation {
  kind: 'query' | 'mutation';
  field: string;
  query: string;
  variables: Record<string, unknown>;
}

/** An arbitrary operation on one root field: each argument present (required ones always) as a variable. */
export function operationArb(
  kind: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
  pools: IdPools,
): fc.Arbitrary<FuzzOperation> {
  const argArbs = field.args.map((arg) =>
    isNonNullType(arg.type)
      ? valueArb(arg.type, arg.name, pools)
      : fc.option(valueArb(arg.type, arg.name, pools), { nil: undefined, freq: 3 }),
  );
  const named = getNamedType(field.type);
  const selection = isLeafType(named) ? '' : ` { ${selectionOf(named, 2)} }`;
  return fc.tuple(...argArbs).map((values) => {
    const used = field.args.map((arg, i) => ({ arg, value: values[i] })).filter((a) => a.value !== undefined);
    const declared = used.map(({ arg }, i) => `$v${i}: ${typeString(arg)}`).join(', ');
    const passed = used.map(({ arg }, i) => `${arg.name}: $v${i}`).join(', ');
    return {
      kind,
      field: field.name,
      query: `${kind} Fuzz${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`,
      variables: Object.fromEntries(used.map(({ value }, i) => [`v${i}`, value])),
    };
  });
}

/** Root fields of a kind, minus those that end the fuzzer's own sessions (they have their own tests). */
export function rootFields(schema: GraphQLSchema, kind: 'query' | 'mutation', skip: string[]) {
  const root = kind === 'query' ? schema.getQueryType() : schema.getMutationType();
  return Object.values(root!.getFields()).filter((f) => !skip.includes(f.name));
}

/** What an answer must never show: stack frames, SQL or driver text, file paths. */
export const LEAK_PATTERNS: RegExp[] = [
  /\bat [\w.<>]+ \(/, // a stack frame
  /\.(ts|js):\d+/,
  /node_modules/,
  /\bSELECT\b/,
  /\bINSERT INTO\b/,
  /\bUPDATE \w+ SET\b/,
  /\brelation "/,
  /\bviolates\b/,
  /syntax error at/,
  /invalid input syntax/,
  /invalid byte sequence/,
  /QueryFailedError/,
  /\bpg_\w+/,
  /out of range/,
];

/** Strings found under `id`, `cursor` and `endCursor` keys of an answer, to feed back as arguments. */
export function harvest(value: unknown, pools: IdPools, limit = 300): void {
  if (Array.isArray(value)) return value.forEach((v) => harvest(v, pools, limit));
  if (!value || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && key === 'id' && pools.own.length < limit && !pools.own.includes(v)) pools.own.push(v);
    else if (typeof v === 'string' && (key === 'cursor' || key === 'endCursor') && pools.cursors.length < limit) {
      if (!pools.cursors.includes(v)) pools.cursors.push(v);
    } else harvest(v, pools, limit);
  }
}
