// Admission passes from the waiting rooms this user got through, one per event.
// A pass lives minutes (WAITING_ROOM_PASS_MINUTES): it is kept in sessionStorage
// so a reload between the queue and the checkout still buys, and it is bound to
// the user who got it, so another login on the same device never sends it.
import { defineStore } from 'pinia'

const KEY = 'eventhub:waiting-room-passes'

export interface HeldPass {
  pass: string
  /** ISO time after which the server refuses it. */
  expiresAt: string
  user: string
  /** The event's id, when known: registrations and payments name the event by id, not slug. */
  eventId?: string
  /** When it was kept (ms): the newest is the one a buying call that names no event carries. */
  keptAt: number
}

function load(): Record<string, HeldPass> {
  try {
    const text = globalThis.sessionStorage?.getItem(KEY)
    return text ? JSON.parse(text) as Record<string, HeldPass> : {}
  }
  catch {
    return {}
  }
}

export const useWaitingRoomStore = defineStore('waitingRoom', () => {
  const passes = ref<Record<string, HeldPass>>(load())

  function save() {
    try {
      globalThis.sessionStorage?.setItem(KEY, JSON.stringify(passes.value))
    }
    catch {
      // Storage full or refused (private mode): the pass still lives in memory.
    }
  }

  function currentUser(): string {
    return useAuthStore().user?.id ?? ''
  }

  /** Keep the pass an admitted user got for the event `slug`. */
  function keep(slug: string, pass: string, expiresAt: string | null, eventId?: string) {
    const expiry = expiresAt || new Date(Date.now() + 15 * 60_000).toISOString()
    // Strictly newer than any kept before, even within one millisecond.
    const keptAt = Math.max(Date.now(), ...Object.values(passes.value).map(p => (p.keptAt || 0) + 1))
    const held: HeldPass = { pass, expiresAt: expiry, user: currentUser(), keptAt, ...(eventId ? { eventId } : {}) }
    passes.value = { ...passes.value, [slug]: held }
    save()
  }

  /** Return the live pass of this user for an event named by slug or id, or null. */
  function passFor(event: string, now = Date.now()): string | null {
    const user = currentUser()
    const held = passes.value[event] ?? Object.values(passes.value).find(p => p.eventId === event)
    if (!held || held.user !== user || Date.parse(held.expiresAt) <= now) return null
    return held.pass
  }

  /** Return this user's newest live pass, or null: for buying calls that do not say which event they are for. */
  function latest(now = Date.now()): string | null {
    const user = currentUser()
    const live = Object.values(passes.value).filter(p => p.user === user && Date.parse(p.expiresAt) > now)
    live.sort((a, b) => b.keptAt - a.keptAt)
    return live[0]?.pass ?? null
  }

  /** Forget the pass of an event (the server refused it). */
  function drop(slug: string) {
    if (!(slug in passes.value)) return
    const { [slug]: _dropped, ...rest } = passes.value
    passes.value = rest
    save()
  }

  function clear() {
    passes.value = {}
    globalThis.sessionStorage?.removeItem(KEY)
  }

  return { passes, keep, passFor, latest, drop, clear }
})
