import { useTranslation } from 'react-i18next';
import { Link, useHref, useNavigate } from 'react-router';
import { Button, Menu, MenuItem, MenuTrigger, Popover, RouterProvider } from 'react-aria-components';
import { LANGUAGES, setLanguage, type Language } from '../lib/i18n';
import { useSession } from './SessionProvider';

/** The language switcher and the account menu of the header. */
export default function HeaderMenus() {
  const { t, i18n } = useTranslation();
  const { viewer, signOut } = useSession();
  const navigate = useNavigate();
  return (
    // Menu items with href navigate inside the app instead of reloading it.
    <RouterProvider navigate={(to) => void navigate(to)} useHref={useHref}>
      <MenuTrigger>
        <Button className="btn btn-quiet" aria-label={t('nav.language')}>
          {i18n.language.slice(0, 2).toUpperCase()}
        </Button>
        <Popover>
          <Menu className="menu" onAction={(key) => setLanguage(key as Language)}>
            {LANGUAGES.map((lang) => (
              <MenuItem key={lang} id={lang} className="menu-item" lang={lang}>
                {t(`language.${lang}`)}
              </MenuItem>
            ))}
          </Menu>
        </Popover>
      </MenuTrigger>
      {viewer ? (
        <MenuTrigger>
          <Button className="btn btn-quiet" aria-label={t('nav.account')}>
            {viewer.displayName}
          </Button>
          <Popover>
            <Menu className="menu">
              {viewer.organizations.map((o) => (
                <MenuItem key={o.id} href={`/o/${encodeURIComponent(o.id)}`} className="menu-item">
                  {o.name}
                </MenuItem>
              ))}
              <MenuItem href="/orgs/new" className="menu-item">
                {t('nav.newOrganization')}
              </MenuItem>
              <MenuItem href="/moderation" className="menu-item">
                {t('nav.moderation')}
              </MenuItem>
              <MenuItem href="/me/consents" className="menu-item">
                {t('nav.consents')}
              </MenuItem>
              <MenuItem onAction={() => void signOut()} className="menu-item">
                {t('nav.signOut')}
              </MenuItem>
            </Menu>
          </Popover>
        </MenuTrigger>
      ) : (
        <Link to="/signin" className="btn btn-quiet">
          {t('nav.signIn')}
        </Link>
      )}
    </RouterProvider>
  );
}
