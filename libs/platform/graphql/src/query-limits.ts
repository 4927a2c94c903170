// The ESM declarations, as @nestjs/apollo (ESM) sees them: the CommonJS ones are a distinct type to TypeScript.
import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  getNamedType,
  GraphQLError,
  isLeafType,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

/**
 * What one GraphQL document may ask for (docs/api.md, "Limits"). Depth 10 leaves room for Relay connections
 * (`edges { node { … } }` adds two levels each). The cost counts objects, not scalars, and a list `first` times
 * what each item asks for: a page of 100 posts with their authors and images costs about 400, the same page with
 * 50 comments each 10,000.
 */
const QUERY_LIMITS = { depth: 10, aliases: 15, tokens: 2000, directives: 50, cost: 1000 } as const;

/**
 * A list costs `first` times what each of its items asks for (`first` outside 1–100 counts as its nearest bound:
 * the argument's own validation then refuses it with BAD_USER_INPUT); a scalar or enum costs nothing; any other
 * object one point, plus what it asks for.
 */
const estimators: ComplexityEstimator[] = [
  ({ args, childComplexity }) =>
    typeof args.first === 'number' ? 1 + Math.min(Math.max(args.first, 1), 100) * childComplexity : undefined,
  ({ field }) => (isLeafType(getNamedType(field.type)) ? 0 : undefined),
  simpleEstimator({ defaultComplexity: 1 }),
];

/**
 * The cost depends on the document and on its numeric and boolean variables only (`first`, `@include(if:)`):
 * computed once per document (Apollo keeps one parsed document per query text) and such variables, not on
 * every request; a cursor or a search text does not change it.
 */
const costs = new WeakMap<DocumentNode, Map<string, number>>();
const COSTS_PER_DOCUMENT = 100;

function costOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): number {
  const key = JSON.stringify([
    operationName ?? null,
    Object.entries(variables).filter(([, v]) => v === null || typeof v === 'number' || typeof v === 'boolean'),
  ]);
  let known = costs.get(document);
  const cached = known?.get(key);
  if (cached !== undefined) return cached;
  const cost = getComplexity({ schema, query: document, operationName, variables, estimators });
  if (!known) costs.set(document, (known = new Map()));
  if (known.size < COSTS_PER_DOCUMENT) known.set(key, cost);
  return cost;
}

/** Refuses a document whose cost is over the limit before anything runs (GRAPHQL_VALIDATION_FAILED, HTTP 400). */
function queryCostPlugin(limit: number = QUERY_LIMITS.cost): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          let cost: number;
          try {
            cost = costOf(schema, document, request.operationName ?? undefined, request.variables ?? {});
          } catch {
            return; // variables that do not fit: execution reports them with its own, clearer error
          }
          if (cost > limit) {
            throw new GraphQLError(
              `This query costs ${cost}, over the limit of ${limit}: ask for fewer items (first) or fewer nested lists`,
              { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}

/** Depth, alias, token and directive limits (graphql-armor) and the cost limit, for the Apollo driver. */
export function queryLimits(options: { production: boolean }): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
} {
  const armor = new ApolloArmor({
    // Fragments are not levels of data: a query's depth is that of its fields, however it is spelled.
    maxDepth: { n: QUERY_LIMITS.depth, flattenFragments: true },
    maxAliases: { n: QUERY_LIMITS.aliases },
    // Its Apollo plugin throws outside the parser, which Apollo answers as an internal error (HTTP 500);
    // graphql-js's own `maxTokens` parse option gives GRAPHQL_PARSE_FAILED, HTTP 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.directives },
    // Without introspection, "Did you mean …?" would still let anyone map the schema.
    blockFieldSuggestion: { enabled: options.production },
    costLimit: { enabled: false }, // ours counts lists by `first`
  }).protect();
  // graphql-armor is typed against Apollo's CommonJS declarations: the same plugins, another type to TypeScript.
  const armorPlugins = armor.plugins as unknown as ApolloServerPlugin[];
  return {
    plugins: [...armorPlugins, queryCostPlugin()],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: QUERY_LIMITS.tokens },
  };
}
