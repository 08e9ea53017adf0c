// A scan station for one event and gate: wires the check-in engine to the API,
// the device's IndexedDB and the browser's online/offline events.
import type { Manifest, PaginatedRegistrationList, Registration, Verdict as ScanAnswer, SyncResult } from '~/types/api'
import { CheckinEngine, DeviceRevokedError, newStationState, type CheckinTransport, type Verdict } from '~/utils/checkinEngine'
import { ApiError } from '~/utils/errors'
import { eventsWithQueuedScans, openScannerDb, searchTickets, type ScannerDb, type StoredTicket } from '~/utils/scannerDb'

const PROBE_OFFLINE_MS = 5000
const REFRESH_ONLINE_MS = 30000
const SLOW_MS = 2500

/** A paired scanner's refusal as the engine knows it; anything else unchanged. */
async function asDevice<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  }
  catch (error) {
    if (error instanceof ApiError && error.status === 401 && error.code === 'device_revoked') {
      throw new DeviceRevokedError((error.body as { results?: SyncResult[] } | null)?.results ?? [])
    }
    throw error
  }
}

/** `paired`: this phone is a paired scanner (its credential is a cookie): no account, no login, no refresh. */
export function useCheckin({ paired = false } = {}) {
  const api = useApi()
  const store = useCheckinStore()
  let engine: CheckinEngine | null = null
  let db: ScannerDb | null = null
  let timer: ReturnType<typeof setInterval> | undefined
  let lastRefresh = 0
  const as = paired ? { anonymous: true, redirectOnAuthFailure: false } : {}

  const transport: CheckinTransport = {
    async scan(body, timeoutMs) {
      return await asDevice(() => api.raw<ScanAnswer>('checkins/scan/', {
        method: 'POST', body, timeout: timeoutMs, accept: [400, 404, 409], ...as,
      }))
    },
    async manifest(event, cursor, timeoutMs) {
      return await asDevice(() => api.get<Manifest>('checkins/manifest/', { event, cursor }, { timeout: timeoutMs, ...as }))
    },
    async sync(event, scans) {
      const data = await asDevice(() => api.post<{ results: SyncResult[] }>('checkins/sync/', { event, scans }, { timeout: 20000, ...as }))
      return data.results
    },
  }

  const onOnline = () => void refresh()
  const onOffline = () => engine?.goOffline('unreachable')

  async function refresh(): Promise<boolean> {
    if (!engine) return false
    lastRefresh = Date.now()
    return await engine.refresh(SLOW_MS * 2)
  }

  /** Open the station for an event and gate: load the manifest and keep it fresh. */
  async function open(eventId: string, gate: string): Promise<void> {
    close()
    store.reset()
    db = await openScannerDb()
    engine = new CheckinEngine(transport, db, eventId, gate, store.station, SLOW_MS)
    await engine.count()
    if (typeof navigator !== 'undefined' && navigator.onLine === false) engine.goOffline('unreachable')
    else if (await refresh()) await syncOtherEvents(eventId, gate)
    window.addEventListener('online', onOnline)
    window.addEventListener('offline', onOffline)
    timer = setInterval(() => {
      const due = store.station.mode === 'offline' ? PROBE_OFFLINE_MS : REFRESH_ONLINE_MS
      if (Date.now() - lastRefresh >= due && navigator.onLine !== false) void refresh()
    }, 1000)
  }

  /** Upload what this device still holds from other events' doors (a session that ended offline). */
  async function syncOtherEvents(eventId: string, gate: string) {
    for (const other of await eventsWithQueuedScans(db as ScannerDb)) {
      if (other !== eventId) await new CheckinEngine(transport, db as ScannerDb, other, gate, newStationState(), SLOW_MS).sync()
    }
  }

  function close() {
    clearInterval(timer)
    timer = undefined
    window.removeEventListener('online', onOnline)
    window.removeEventListener('offline', onOffline)
    engine = null
    db?.close()
    db = null
  }

  /** Decide a code and show the verdict; ignored while another is being decided. */
  async function submit(code: string): Promise<Verdict | null> {
    if (!engine || store.busy) return null
    store.busy = true
    try {
      const verdict = await engine.submit(code)
      store.show(verdict)
      if (verdict.queued) await engine.count()
      return verdict
    }
    finally {
      store.busy = false
    }
  }

  /** Find attendees: through the API online, in the stored manifest offline. */
  async function search(text: string): Promise<{ online: Registration[], offline: StoredTicket[] }> {
    if (!engine || !text.trim()) return { online: [], offline: [] }
    // A paired scanner may not search the API: its stored list only.
    if (store.station.mode === 'online' && !paired) {
      try {
        const page = await api.get<PaginatedRegistrationList>('registrations/', { event: engine.event, search: text.trim(), page_size: 20 }, { timeout: SLOW_MS })
        return { online: page.results, offline: [] }
      }
      catch (error) {
        if (!(error instanceof Error && error.name === 'NetworkError')) throw error
        engine.goOffline('unreachable')
      }
    }
    return { online: [], offline: await searchTickets(db as ScannerDb, engine.event, text) }
  }

  async function syncNow(): Promise<void> {
    await refresh()
  }

  return { open, close, submit, search, syncNow, refresh }
}
