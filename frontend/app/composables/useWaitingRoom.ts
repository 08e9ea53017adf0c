// The waiting room in front of an event's sale: join it, follow the place in
// it as the server admits people at its rate, and keep the pass once admitted.
import { ApiError } from '~/utils/errors'
import { FINAL_STATES, pollDelay, type RoomSettings, type RoomStatus } from '~/utils/waitingRoom'

export interface FollowOptions {
  /** The event's id, kept with the pass (registrations and payments name events by id). */
  eventId?: string
  /** Called when an answer could not be had; polling goes on, backing off. */
  onTrouble?: (error: unknown) => void
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
   * Join, then poll as often as the server says, calling back with every answer,
   * until admitted, the room is off, or `stop` is called. Returns `stop`.
   * A 404 `not_found` (no such event or room) ends it too, through onTrouble.
   */
  function follow(slug: string, onState: (status: RoomStatus) => void, options: FollowOptions = {}): () => void {
    const unit = options.unit ?? 1000
    let stopped = false
    let failures = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    let joined = false

    const tick = async () => {
      let next = 2
      try {
        const current = joined ? await status(slug, options.eventId) : await join(slug, options.eventId)
        if (stopped) return
        failures = 0
        if (current === null) {
          // The place was lost (the queue was reset): take one again at once.
          joined = false
          next = 0
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
