import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { i18nReady } from './lib/i18n';
import './styles.css';
import { App } from './app/App';
import { firstRefresh } from './lib/session';

// Sign-in state and the interface language load together, before the first render.
void firstRefresh();

void i18nReady.then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);

// The service worker caches the app shell only (never API answers), so Ruche installs and opens offline.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js'));
}
