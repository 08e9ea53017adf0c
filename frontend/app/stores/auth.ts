// Who is signed in. The access token lives only here, in memory; the refresh
// token is an httpOnly cookie the page never sees. The profile (no secret) is
// remembered so a staff member who reloads the scanner offline stays signed in
// until the API can be asked again.
import { defineStore } from 'pinia'
import type { User } from '~/types/api'

const PROFILE_KEY = 'eventhub:user'

function loadProfile(): User | null {
  try {
    const text = globalThis.localStorage?.getItem(PROFILE_KEY)
    return text ? JSON.parse(text) as User : null
  }
  catch {
    return null
  }
}

export const useAuthStore = defineStore('auth', () => {
  const access = ref<string | null>(null)
  const user = ref<User | null>(null)
  const restored = ref(false)
  // Not state: the refresh in flight, shared by every caller that got a 401.
  let refreshing: Promise<boolean> | null = null

  const isLoggedIn = computed(() => user.value !== null)
  const isAdmin = computed(() => user.value?.role === 'admin')

  function setAccess(token: string) {
    access.value = token
  }

  function setUser(profile: User) {
    user.value = profile
    const { id, email, full_name, role } = profile
    globalThis.localStorage?.setItem(PROFILE_KEY, JSON.stringify({ id, email, full_name, role, is_active: true }))
  }

  function rememberedUser(): User | null {
    return loadProfile()
  }

  function clear() {
    access.value = null
    user.value = null
    globalThis.localStorage?.removeItem(PROFILE_KEY)
  }

  function refreshOnce(run: () => Promise<boolean>): Promise<boolean> {
    if (!refreshing) {
      refreshing = run().finally(() => {
        refreshing = null
      })
    }
    return refreshing
  }

  return { access, user, restored, isLoggedIn, isAdmin, setAccess, setUser, rememberedUser, clear, refreshOnce }
})
