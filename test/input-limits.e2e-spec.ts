import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputField,
  type GraphQLInputType,
} from 'graphql';
import { createTestApp, type TestApp } from './support/test-app';
import { codeOf, signUp } from './support/identity';

/**
 * Every string a client can send in a mutation input has a length limit: for each `input` field of type
 * String or ID, a 50,000-character value (above every limit, below the 100 kB body cap) must be refused with BAD_USER_INPUT naming that field.
 * New operations are covered automatically, because the test walks the schema.
 */
describe('input limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  function placeholder(type: GraphQLInputType): unknown {
    if (isNonNullType(type)) return placeholder(type.ofType);
    if (isListType(type)) return [];
    if (isEnumType(type)) return type.getValues()[0].value;
    if (isInputObjectType(type)) return fillRequired(Object.values(type.getFields()));
    if (isScalarType(type)) return type.name === 'Boolean' ? false : type.name === 'Int' || type.name === 'Float' ? 1 : 'x';
    return null;
  }
  const fillRequired = (fields: GraphQLInputField[]) =>
    Object.fromEntries(fields.filter((f) => isNonNullType(f.type)).map((f) => [f.name, placeholder(f.type)]));

  it('refuses oversized strings in every mutation input, field by field', async () => {
    const person = await signUp(t);
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const checked: string[] = [];
    for (const mutation of Object.values(schema.getMutationType()!.getFields())) {
      const inputArg = mutation.args.find((a) => a.name === 'input');
      if (!inputArg) continue;
      const inputType = getNamedType(inputArg.type);
      if (!isInputObjectType(inputType)) continue;
      const fields = Object.values(inputType.getFields());
      for (const field of fields) {
        const named = getNamedType(field.type);
        if (!isScalarType(named) || !['String', 'ID'].includes(named.name)) continue;
        const input = {
          ...fillRequired(fields),
          [field.name]: isListType(isNonNullType(field.type) ? field.type.ofType : field.type)
            ? ['x'.repeat(50_000)]
            : 'x'.repeat(50_000),
        };
        const res = await t.gql(
          `mutation ($input: ${inputType.name}${isNonNullType(inputArg.type) ? '!' : ''}) { ${mutation.name}(input: $input) { __typename } }`,
          { input },
          person.accessToken,
        );
        expect([mutation.name, field.name, codeOf(res)]).toEqual([mutation.name, field.name, 'BAD_USER_INPUT']);
        expect(Object.keys(res.errors![0].extensions.fieldErrors ?? {}).some((k) => k.startsWith(field.name))).toBe(
          true,
        );
        checked.push(`${mutation.name}.${field.name}`);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(10);
  });
});
