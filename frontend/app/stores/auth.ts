// Who is signed in. The access token lives only here, in memory; the refresh
// token is an httpOnly cookie the page never sees. The profile (no secret) is
// remembered so a staff member who reloads the scanner offline stays signed in
// until the API can be asked again.
import { defineStore } from 'pinia'
import type { EventRole, User } from '~/types/api'

/** Who is signed in: the user, with their team roles once auth/me/ has told them (a login answer has none). */
export type Profile = User & { event_roles?: EventRole[] }

const PROFILE_KEY = 'eventhub:user'

function loadProfile(): Profile | null {
  try {
    const text = globalThis.localStorage?.getItem(PROFILE_KEY)
    return text ? JSON.parse(text) as Profile : null
  }
  catch {
    return null
  }
}

export const useAuthStore = defineStore('auth', () => {
  const access = ref<string | null>(null)
  const user = ref<Profile | null>(null)
  const restored = ref(false)
  // Not state: the refresh in flight, shared by every caller that got a 401.
  let refreshing: Promise<boolean> | null = null

  const isLoggedIn = computed(() => user.value !== null)
  const isAdmin = computed(() => user.value?.role === 'admin')
  // Team roles on events (auth/me/): they decide the staff menus and which events the scanner offers.
  const eventRoles = computed<EventRole[]>(() => user.value?.event_roles ?? [])
  /** The events one scans at (managers and door staff); admins scan at every event. */
  const doorEvents = computed(() => eventRoles.value.filter(r => r.role === 'manager' || r.role === 'door'))
  /** The events one manages. */
  const managedEvents = computed(() => eventRoles.value.filter(r => r.role === 'manager'))
  const worksDoor = computed(() => isAdmin.value || doorEvents.value.length > 0)
  const managesEvents = computed(() => isAdmin.value || managedEvents.value.length > 0)

  /** Return whether one manages the event with this slug (admins manage all). */
  function manages(slug: string): boolean {
    return isAdmin.value || managedEvents.value.some(r => r.slug === slug)
  }

  function setAccess(token: string) {
    access.value = token
  }

  function setUser(profile: Profile) {
    // A login answer carries no team roles: keep those already known until auth/me/ says otherwise.
    const known = user.value?.id === profile.id ? user.value.event_roles : undefined
    const event_roles = profile.event_roles ?? known ?? []
    user.value = { ...profile, event_roles }
    const { id, email, full_name, role } = profile
    // Remembered with the team roles, so a door volunteer's scanner reopens offline after a reload.
    globalThis.localStorage?.setItem(PROFILE_KEY, JSON.stringify({ id, email, full_name, role, is_active: true, event_roles }))
  }

  function rememberedUser(): Profile | null {
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

  return {
    access, user, restored, isLoggedIn, isAdmin, eventRoles, doorEvents, managedEvents, worksDoor, managesEvents,
    manages, setAccess, setUser, rememberedUser, clear, refreshOnce,
  }
})
