// Unit tests run inside a Nuxt app in happy-dom (composables, stores, auto-imports);
// IndexedDB is fake-indexeddb, a complete in-memory implementation.
import { defineVitestConfig } from '@nuxt/test-utils/config'

export default defineVitestConfig({
  test: {
    environment: 'nuxt',
    environmentOptions: { nuxt: { domEnvironment: 'happy-dom' } },
    include: ['test/unit/**/*.test.ts'],
    setupFiles: ['test/unit/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
})
