import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

/**
 * French and English, one JSON file per screen area (`locales/<lang>/<namespace>.json`), bundled. The
 * language comes from the browser unless the person picked one (kept in localStorage: a preference, not a
 * secret). Dates and numbers go through Intl with the same language.
 */
export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

// One chunk per language: a person downloads only the language they read.
const bundles: Record<Language, () => Promise<{ default: Record<string, Record<string, unknown>> }>> = {
  en: () => import('../locales/en/index'),
  fr: () => import('../locales/fr/index'),
};

async function loadLanguage(lang: Language): Promise<void> {
  if (i18n.hasResourceBundle(lang, 'common')) return;
  const { default: namespaces } = await bundles[lang]();
  for (const [ns, resources] of Object.entries(namespaces)) i18n.addResourceBundle(lang, ns, resources, true, true);
}

function initialLanguage(): Language {
  const saved = localStorage.getItem('ruche.lang');
  if (saved === 'en' || saved === 'fr') return saved;
  for (const lang of navigator.languages ?? [navigator.language]) {
    const short = lang.slice(0, 2).toLowerCase();
    if (short === 'fr' || short === 'en') return short;
  }
  return 'en';
}

const first = initialLanguage();

/** Resolves once the interface language (and English, the fallback) is loaded: render after it. */
export const i18nReady: Promise<unknown> = i18n
  .use(initReactI18next)
  .init({
    resources: {},
    lng: first,
    fallbackLng: 'en',
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    partialBundledLanguages: true,
  })
  .then(() => Promise.all([loadLanguage(first), first === 'en' ? null : loadLanguage('en')]))
  .then(() => i18n.changeLanguage(first));

export function setLanguage(lang: Language): void {
  localStorage.setItem('ruche.lang', lang);
  void loadLanguage(lang).then(() => i18n.changeLanguage(lang));
}

i18n.on('languageChanged', (lang) => {
  document.documentElement.lang = lang;
});
document.documentElement.lang = i18n.language;

export default i18n;
