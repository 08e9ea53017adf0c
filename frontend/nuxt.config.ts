// EventHub PWA: client-only, generated into .output/public and served under /app/
// on the same origin as the API (Django in development, nginx in production).
import { BASE_URL, pwa } from './pwa.config'

export default defineNuxtConfig({
  compatibilityDate: '2026-01-01',
  ssr: false,
  devtools: { enabled: false },
  modules: ['@pinia/nuxt', '@vite-pwa/nuxt'],
  // Components live in domain folders but keep their plain names (QRScanner, not CheckinQRScanner).
  components: [{ path: '~/components', pathPrefix: false }],
  css: ['~/assets/css/main.css'],
  app: {
    baseURL: BASE_URL,
    head: {
      htmlAttrs: { lang: 'id' },
      title: 'EventHub',
      meta: [
        { name: 'viewport', content: 'width=device-width, initial-scale=1, viewport-fit=cover' },
        { name: 'theme-color', content: '#0f52ba' },
      ],
      link: [
        { rel: 'icon', type: 'image/png', href: `${BASE_URL}favicon.png` },
        { rel: 'apple-touch-icon', href: `${BASE_URL}icons/apple-touch-icon.png` },
      ],
    },
  },
  runtimeConfig: {
    public: {
      // Same origin by default; NUXT_PUBLIC_API_BASE overrides it at build time.
      apiBase: '/api/v1',
    },
  },
  nitro: {
    // Without a prerendered index.html there is no app shell to precache.
    prerender: { routes: ['/'], crawlLinks: false },
    // `nuxt dev` talks to Django on :8000 through the same origin, as in production.
    devProxy: {
      '/api': { target: 'http://127.0.0.1:8000/api', changeOrigin: true },
    },
  },
  pwa,
  typescript: { strict: true },
})
