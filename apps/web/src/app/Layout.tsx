import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Link,
  NavLink,
  Navigate,
  Outlet,
  ScrollRestoration,
  useLocation,
  useNavigation,
} from 'react-router';
import { ErrorState, Loading } from '../components/states';
import { UnreadBadge } from '../components/UnreadBadge';
import { PUBLIC_PATHS } from './routes';
import { useSession } from './SessionProvider';

const HeaderMenus = lazy(() => import('./HeaderMenus'));

/** The frame of every screen: skip link, header with navigation, and the page. */
export function Layout() {
  const { t } = useTranslation();
  const { viewer, viewerError, refetchViewer } = useSession();
  const location = useLocation();
  const navigation = useNavigation();
  const isPublic = PUBLIC_PATHS.includes(location.pathname);
  // The server says who may read an organization's analytics; the page still shows a FORBIDDEN as "not allowed".
  const analyticsOrg = viewer?.organizations.find((o) => o.viewerCan.readAnalytics);

  useEffect(() => {
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [location.pathname]);

  if (viewer === undefined) {
    return viewerError ? <ErrorState error={viewerError} onRetry={() => void refetchViewer()} /> : <Loading />;
  }
  if (!viewer && !isPublic) {
    const next = location.pathname + location.search + location.hash;
    return <Navigate to={`/signin${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }

  return (
    <>
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label={t('nav.home')}>
          <img src="/icon.svg" alt="" width="28" height="28" />
          <span>Ruche</span>
        </Link>
        {viewer && (
          <nav aria-label={t('nav.main')} className="mainnav">
            <NavLink to="/" end>
              {t('nav.feed')}
            </NavLink>
            <NavLink to="/spaces">{t('nav.spaces')}</NavLink>
            <NavLink to="/search">{t('nav.search')}</NavLink>
            {analyticsOrg && <NavLink to={`/o/${encodeURIComponent(analyticsOrg.id)}/analytics`}>{t('nav.analytics')}</NavLink>}
            <NavLink to="/notifications" className="nav-notifications">
              {t('nav.notifications')} <UnreadBadge />
            </NavLink>
          </nav>
        )}
        <div className="topbar-end">
          {/* The menus (react-aria) load after the first paint: they are not needed to read the feed. */}
          <Suspense fallback={<span className="menu-placeholder" />}>
            <HeaderMenus />
          </Suspense>
        </div>
      </header>
      {viewer && !viewer.emailVerified && viewer.organizations.length === 0 && <VerifyBanner />}
      <main id="main" tabIndex={-1} aria-busy={navigation.state === 'loading'}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <ScrollRestoration />
    </>
  );
}

function VerifyBanner() {
  const { t } = useTranslation();
  return (
    <p className="banner" role="note">
      {t('verify.banner')}
    </p>
  );
}
