import type { ComponentType } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { Layout } from './Layout';
import { NotFoundPage } from '../components/states';

/** Every screen is its own chunk, so the feed route loads only what it shows. */
const page = (load: () => Promise<{ default: ComponentType }>): Pick<RouteObject, 'lazy'> => ({
  lazy: async () => ({ Component: (await load()).default }),
});

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      // Public screens.
      { path: 'signin', ...page(() => import('../pages/auth/SignInPage')) },
      { path: 'signup', ...page(() => import('../pages/auth/SignUpPage')) },
      { path: 'verify-email', ...page(() => import('../pages/auth/VerifyEmailPage')) },
      { path: 'invitation', ...page(() => import('../pages/invitation/InvitationPage')) },
      // Signed-in screens (Layout sends signed-out visitors to /signin).
      { index: true, ...page(() => import('../pages/feed/HomeFeedPage')) },
      { path: 'spaces', ...page(() => import('../pages/spaces/SpacesPage')) },
      { path: 'spaces/new', ...page(() => import('../pages/spaces/NewSpacePage')) },
      { path: 's/:spaceId', ...page(() => import('../pages/feed/SpaceFeedPage')) },
      { path: 's/:spaceId/ideas', ...page(() => import('../pages/ideas/IdeaBoardPage')) },
      { path: 's/:spaceId/settings', ...page(() => import('../pages/spaces/SpaceSettingsPage')) },
      { path: 'p/:postId', ...page(() => import('../pages/posts/PostPage')) },
      { path: 'orgs/new', ...page(() => import('../pages/org/NewOrganizationPage')) },
      { path: 'o/:orgId', ...page(() => import('../pages/org/OrganizationPage')) },
      { path: 'o/:orgId/analytics', ...page(() => import('../pages/analytics/AnalyticsPage')) },
      { path: 'notifications', ...page(() => import('../pages/notifications/NotificationsPage')) },
      { path: 'search', ...page(() => import('../pages/search/SearchPage')) },
      { path: 'moderation', ...page(() => import('../pages/moderation/ModerationPage')) },
      { path: 'me/consents', ...page(() => import('../pages/me/MyConsentsPage')) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

export const PUBLIC_PATHS = ['/signin', '/signup', '/verify-email', '/invitation'];

export const router = createBrowserRouter(routes);
