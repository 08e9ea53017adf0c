// What the waiting room's answers mean, apart from asking for them (useWaitingRoom).

export type RoomState = 'before_open' | 'waiting' | 'admitted' | 'sold_out' | 'paused' | 'off'

/** GET/POST waiting-room/{slug}/(join/) as the API answers it. */
export interface RoomStatus {
  state: RoomState
  position: number | null
  ahead: number | null
  estimated_wait_seconds: number | null
  opens_at: string | null
  poll_after_seconds: number
  pass: string | null
  pass_expires_at: string | null
  event: string
}

/** States after which there is nothing more to wait for on this page. */
export const FINAL_STATES: RoomState[] = ['admitted', 'off']

/** Return the event slug a `waiting_room` refusal names (its queue or join URL), or ''. */
export function slugFromRefusal(body: unknown): string {
  const refusal = (body || {}) as { queue_url?: unknown, join_url?: unknown }
  for (const url of [refusal.queue_url, refusal.join_url]) {
    const match = typeof url === 'string' ? /\/(?:events|waiting-room)\/([^/]+)\//.exec(url) : null
    if (match?.[1]) return decodeURIComponent(match[1])
  }
  return ''
}

/** Seconds until the next poll: the server's word, kept between 1 and 60 s. */
export function pollDelay(status: Pick<RoomStatus, 'poll_after_seconds'> | null): number {
  const seconds = Number(status?.poll_after_seconds)
  return Math.min(Math.max(Number.isFinite(seconds) && seconds > 0 ? seconds : 2, 1), 60)
}

/** Return the message key and parameters that say an estimated wait in words (rounded up to minutes). */
export function waitWords(seconds: number | null | undefined): { key: string, params?: Record<string, number> } | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return null
  if (seconds < 60) return { key: 'queue.waitSoon' }
  const minutes = Math.ceil(seconds / 60)
  if (minutes === 1) return { key: 'queue.waitMinute' }
  if (minutes < 60) return { key: 'queue.waitMinutes', params: { count: minutes } }
  return { key: 'queue.waitHours', params: { hours: Math.floor(minutes / 60), minutes: minutes % 60 } }
}

/** GET/PATCH events/{slug}/waiting-room/: the room's settings and its live figures (staff). */
export interface RoomSettings {
  enabled: boolean
  opens_at: string
  rate_per_minute: number
  paused: boolean
  stats: { waiting: number, admitted: number, buying: number, sold: number }
}
