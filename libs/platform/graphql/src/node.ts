import { Field, ID, InterfaceType } from '@nestjs/graphql';

/**
 * Relay's Node: anything with a global id can be fetched again with `node(id)`. Each object type's class
 * name is its GraphQL name, which is how the interface resolves the concrete type.
 */
@InterfaceType('Node', {
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  @Field(() => ID) id!: string;
}
