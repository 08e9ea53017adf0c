// The waiting room in front of an event's sale: join it, follow the place in
// it as the server admits people at its rate, and keep the pass once admitted.
import { ApiError } from '~/utils/errors'
import { FINAL_STATES, pollDelay, type RoomSettings, type RoomStatus } from '~/utils/waitingRoom'

export interface FollowOptions {
  /** The event's id, kept with the pass (registrations and payments name events by id). */
  eventId?: string
  /** Called when an answer could not be had; polling goes on, backing off. */
  onTrouble?: (error: unknown) => void
  /** Called when the pass this user was admitted with has run out, just before joining again (at the back). */
  onRejoin?: () => void
  /** Milliseconds per second the server asks to wait (tests shrink it). */
  unit?: number
}

export function useWaitingRoom() {
  const api = useApi()
  const passes = useWaitingRoomStore()

  function remember(slug: string, status: RoomStatus, eventId?: string): RoomStatus {
    if (status.state === 'admitted' && status.pass) passes.keep(slug, status.pass, status.pass_expires_at, eventId)
    return status
  }

  /** Take a place in the queue (again: the same place). */
  async function join(slug: string, eventId?: string): Promise<RoomStatus> {
    return remember(slug, await api.post<RoomStatus>(`waiting-room/${encodeURIComponent(slug)}/join/`), eventId)
  }

  /** The place held in the queue, or null when this user has not joined it. */
  async function status(slug: string, eventId?: string): Promise<RoomStatus | null> {
    const answer = await api.raw<RoomStatus | { code?: string }>(`waiting-room/${encodeURIComponent(slug)}/`, { accept: [404] })
    if (answer.status === 404) {
      if ((answer.data as { code?: string } | null)?.code === 'not_in_queue') return null
      throw new ApiError(404, answer.data as never)
    }
    return remember(slug, answer.data as RoomStatus, eventId)
  }

  /**
   * Ask where this user stands (not in line: join; admitted but the pass has run
   * out: join again, at the back, telling onRejoin), then poll as often as the
   * server says, calling back with every answer, until admitted, the room is
   * off, or `stop` is called. Returns `stop`.
   * A 404 `not_found` (no such event or room) ends it too, through onTrouble.
   */
  function follow(slug: string, onState: (status: RoomStatus) => void, options: FollowOptions = {}): () => void {
    const unit = options.unit ?? 1000
    let stopped = false
    let failures = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    // Asking first, not joining: joining would silently put an admitted user whose pass ran out at the back.
    let joined = true
    let rejoined = false

    const tick = async () => {
      let next = 2
      try {
        const current = joined ? await status(slug, options.eventId) : await join(slug, options.eventId)
        if (stopped) return
        failures = 0
        if (current === null) {
          // Not in line (yet, or the queue was reset): take a place at once.
          joined = false
          next = 0
        }
        else if (current.state === 'admitted' && !current.pass && !rejoined) {
          // Admitted, but the pass has run out: joining again takes a new place at the back of the line.
          rejoined = true
          joined = false
          next = 0
          options.onRejoin?.()
        }
        else {
          joined = true
          onState(current)
          if (FINAL_STATES.includes(current.state)) return
          next = pollDelay(current)
        }
      }
      catch (error) {
        if (stopped) return
        options.onTrouble?.(error)
        if (error instanceof ApiError && (error.code === 'not_found' || error.status === 401)) return
        failures += 1
        next = Math.min(2 * failures, 30)
      }
      if (!stopped) timer = setTimeout(tick, next * unit)
    }
    void tick()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }

  return {
    join,
    status,
    follow,
    passFor: passes.passFor,
    /** Staff: the event's room (the settings it would start from when it has none) with its live figures. */
    settings: (slug: string) => api.get<RoomSettings>(`events/${encodeURIComponent(slug)}/waiting-room/`),
    /** Staff: switch the room on or off, set the opening and the rate, pause or resume admission. */
    configure: (slug: string, changes: Partial<Omit<RoomSettings, 'stats'>>) =>
      api.patch<RoomSettings>(`events/${encodeURIComponent(slug)}/waiting-room/`, changes),
  }
}
