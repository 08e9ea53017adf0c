// PWA settings for @vite-pwa/nuxt, kept out of nuxt.config.ts.
// The app is served under /app/ (app.baseURL), so the service worker's scope,
// start URL and navigation fallback all live there.
import type { ModuleOptions } from '@vite-pwa/nuxt'

export const BASE_URL = '/app/'

export const pwa: ModuleOptions = {
  registerType: 'autoUpdate',
  base: BASE_URL,
  scope: BASE_URL,
  manifest: {
    name: 'EventHub',
    short_name: 'EventHub',
    description: 'Tiket acara dan pemindai check-in EventHub',
    lang: 'id',
    theme_color: '#0f52ba',
    background_color: '#ffffff',
    display: 'standalone',
    start_url: BASE_URL,
    scope: BASE_URL,
    icons: [
      { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  workbox: {
    // Every navigation inside /app/ is answered with the app shell, so a
    // reload of any page works offline.
    navigateFallback: BASE_URL,
    navigateFallbackDenylist: [/^\/api\//],
    globPatterns: ['**/*.{js,css,html,png,svg,ico,webmanifest}'],
    // nuxt generate writes 200.html and 404.html; a static server answers 404
    // for their precache URLs and the service worker would never install.
    globIgnores: ['**/200.html', '**/404.html'],
    cleanupOutdatedCaches: true,
  },
  client: { installPrompt: true },
  devOptions: { enabled: false, type: 'module' },
}
