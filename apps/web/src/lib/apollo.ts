import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { idempotencyLink } from './idempotency';
import { authFetch } from './session';

/** One client for the app: normalized cache, so a live event patches one entity everywhere it shows. */
export function createApolloClient(): ApolloClient {
  return new ApolloClient({
    link: ApolloLink.from([idempotencyLink, new HttpLink({ uri: '/graphql', fetch: authFetch })]),
    cache: new InMemoryCache({
      possibleTypes: { Node: ['Organization', 'Space', 'User', 'CustomerAccount', 'Post', 'Comment', 'Campaign'] },
      typePolicies: {
        Query: {
          fields: {
            feed: relayStylePagination(['spaceId', 'order', 'tag']),
            ideas: relayStylePagination(['spaceId', 'campaignId', 'status', 'order']),
            notifications: relayStylePagination(),
            spaces: relayStylePagination(['kind', 'organizationId']),
            spaceMembers: relayStylePagination(['spaceId']),
            search: relayStylePagination(['query', 'spaceId', 'kinds']),
            moderationQueue: relayStylePagination(['spaceId']),
          },
        },
        // A thread's comments: "Show more" and live comments append to the pages already shown.
        Post: { fields: { comments: relayStylePagination() } },
      },
    }),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
}
