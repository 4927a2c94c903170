// Ruche's service worker caches the app shell only: index.html, hashed assets, icons. It never caches API
// answers (/graphql, /uploads, /exports, /rt): those are private and must follow revocation at once.
const SHELL = 'ruche-shell-v1';
const API = /^\/(graphql|uploads|exports|rt|socket\.io|health)/;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(['/', '/manifest.webmanifest', '/icon.svg'])));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k)))),
  );
  self.clients.claim();
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || API.test(url.pathname)) return;
  if (event.request.mode === 'navigate') {
    // Network first for pages, the cached shell when offline.
    event.respondWith(fetch(event.request).catch(() => caches.match('/')));
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    // Hashed assets never change: cache first.
    event.respondWith(
      caches.match(event.request).then(
        (hit) =>
          hit ||
          fetch(event.request).then((res) => {
            if (res.ok) {
              const copy = res.clone();
              void caches.open(SHELL).then((cache) => cache.put(event.request, copy));
            }
            return res;
          }),
      ),
    );
  }
});
