// The door scanner's decisions, online and offline (DESIGN §2 "Offline scanning").
// Online, the API decides; when it cannot be reached or answers too slowly the
// station switches to offline on its own and decides against the stored
// manifest, queueing admissions that are synced when the API answers again.
import type { Manifest, Verdict as ScanAnswer, ScannedRegistration as ScanRegistration, ResultEnum as ScanResult, SyncResult, OfflineScanRequest as SyncScan } from '~/types/api'
import { NetworkError } from '~/utils/errors'
import { codeSha256, looksLikeTicketCode } from '~/utils/ticketCode'
import {
  admitOffline, applyManifest, getMeta, markCheckedIn, queuedCount, queuedScans, recordSyncResults,
  syncIssues, ticketCount, type QueuedScan, type ScannerDb,
} from '~/utils/scannerDb'

export type Mode = 'online' | 'offline'

/** A paired scanner that was revoked: 401 `device_revoked`; a refused sync lists each scan's verdict. */
export class DeviceRevokedError extends Error {
  constructor(readonly results: SyncResult[] = []) {
    super('This scanner was revoked.')
    this.name = 'DeviceRevokedError'
  }
}

export interface Verdict {
  result: ScanResult
  detail?: string
  attendeeName?: string
  ticketName?: string
  checkedInAt?: string | null
  checkedInBy?: string
  device?: string
  offline: boolean
  queued: boolean
  at: string
}

export interface CheckinTransport {
  /** POST checkins/scan/; the verdict whatever its status; throws NetworkError when unreachable or slow. */
  scan(body: { code: string, event: string, device: string }, timeoutMs: number): Promise<{ status: number, data: ScanAnswer }>
  /** GET checkins/manifest/ from a cursor (null: everything): one answer, never paginated. */
  manifest(event: string, cursor: string | null, timeoutMs: number): Promise<Manifest>
  /** POST checkins/sync/. */
  sync(event: string, scans: SyncScan[]): Promise<SyncResult[]>
}

// The manifest is one answer: the server never paginates it. Should the schema
// (types/api.ts, generated) ever give it a `next`, this stops the type check
// until the engine follows the pages instead of silently reading the first.
void (true satisfies ('next' extends keyof Manifest ? never : true))

export interface StationState {
  mode: Mode
  offlineReason: string
  queued: number
  tickets: number
  manifestAt: string | null
  issues: QueuedScan[]
  lastSync: { at: string, synced: number, duplicates: number, rejected: number } | null
  /** A paired scanner the staff revoked: nothing it scans admits anyone. */
  revoked: boolean
}

export function newStationState(): StationState {
  return { mode: 'online', offlineReason: '', queued: 0, tickets: 0, manifestAt: null, issues: [], lastSync: null, revoked: false }
}

const SYNC_BATCH = 100

/** Pull the attendee's name and the ticket type out of a scanned registration. */
export function describeRegistration(registration: ScanRegistration | undefined): { attendeeName?: string, ticketName?: string } {
  if (!registration) return {}
  return { attendeeName: registration.attendee_name, ticketName: registration.ticket_name }
}

export class CheckinEngine {
  constructor(
    private readonly transport: CheckinTransport,
    private readonly db: ScannerDb,
    readonly event: string,
    readonly device: string,
    readonly state: StationState,
    private readonly slowMs = 2500,
    private readonly now: () => Date = () => new Date(),
  ) {}

  goOffline(reason: string): void {
    this.state.mode = 'offline'
    this.state.offlineReason = reason
  }

  /** Decide one scanned or typed code. */
  async submit(rawCode: string): Promise<Verdict> {
    const code = rawCode.trim()
    const hash = await codeSha256(code)
    if (this.state.mode === 'online') {
      try {
        const { data } = await this.transport.scan({ code, event: this.event, device: this.device }, this.slowMs)
        if (!data || typeof data.result !== 'string') throw new NetworkError('Unexpected answer')
        return await this.onlineVerdict(data, hash)
      }
      catch (error) {
        if (error instanceof DeviceRevokedError) {
          this.state.revoked = true
          return { result: 'device_revoked', offline: false, queued: false, at: this.now().toISOString() }
        }
        if (!(error instanceof NetworkError)) throw error
        this.goOffline(error.timeout ? 'slow' : 'unreachable')
      }
    }
    return await this.offlineVerdict(code, hash)
  }

  private async onlineVerdict(answer: ScanAnswer, hash: string): Promise<Verdict> {
    const registration = describeRegistration(answer.registration)
    const checkedInAt = answer.checked_in_at ?? null
    if (answer.result === 'ok' || answer.result === 'already_checked_in') {
      await markCheckedIn(this.db, this.event, hash, checkedInAt || this.now().toISOString())
    }
    return {
      result: answer.result,
      detail: answer.detail,
      ...registration,
      checkedInAt,
      checkedInBy: answer.checked_in_by ?? undefined,
      device: answer.device,
      offline: false,
      queued: false,
      at: this.now().toISOString(),
    }
  }

  private async offlineVerdict(code: string, hash: string): Promise<Verdict> {
    const at = this.now()
    if (!looksLikeTicketCode(code)) {
      return { result: 'invalid', offline: true, queued: false, at: at.toISOString() }
    }
    const outcome = await admitOffline(this.db, { event: this.event, code, hash, device: this.device, now: at })
    if (outcome.scan) this.state.queued += 1
    return {
      result: outcome.result,
      attendeeName: outcome.ticket?.attendee_name,
      ticketName: outcome.ticket?.ticket_name,
      checkedInAt: outcome.checkedInAt ?? null,
      offline: true,
      queued: Boolean(outcome.scan),
      at: at.toISOString(),
    }
  }

  /** Bring the manifest up to date from its cursor; a success means the API is back: go online and sync. */
  async refresh(timeoutMs = this.slowMs): Promise<boolean> {
    const meta = await getMeta(this.db, this.event)
    let manifest: Manifest
    try {
      manifest = await this.transport.manifest(this.event, meta?.cursor ?? null, timeoutMs)
    }
    catch (error) {
      if (error instanceof DeviceRevokedError) {
        // Upload what is queued all the same: the server keeps it, unadmitted, for staff to review.
        this.state.revoked = true
        await this.sync()
        return false
      }
      if (error instanceof NetworkError) {
        this.goOffline(error.timeout ? 'slow' : 'unreachable')
        return false
      }
      throw error
    }
    await applyManifest(this.db, this.event, manifest, this.now())
    this.state.mode = 'online'
    this.state.offlineReason = ''
    this.state.manifestAt = this.now().toISOString()
    await this.sync()
    await this.count()
    return true
  }

  /** Upload the queued offline admissions; the server keeps the earliest admission of each ticket. */
  async sync(): Promise<void> {
    let pending = await queuedScans(this.db, this.event)
    if (!pending.length) return
    const summary = { at: this.now().toISOString(), synced: 0, duplicates: 0, rejected: 0 }
    while (pending.length) {
      const batch = pending.slice(0, SYNC_BATCH)
      pending = pending.slice(SYNC_BATCH)
      let results: SyncResult[]
      try {
        results = await this.transport.sync(this.event, batch.map(scan => ({
          scan_id: scan.scan_id, code: scan.code as string, scanned_at: scan.scanned_at, device: scan.device,
        })))
      }
      catch (error) {
        if (error instanceof NetworkError) {
          this.goOffline(error.timeout ? 'slow' : 'unreachable')
          break
        }
        if (!(error instanceof DeviceRevokedError)) throw error
        this.state.revoked = true
        results = error.results
      }
      for (const scan of await recordSyncResults(this.db, results, this.now())) {
        if (scan.state === 'synced') summary.synced += 1
        else if (scan.state === 'duplicate') summary.duplicates += 1
        else summary.rejected += 1
      }
    }
    this.state.lastSync = summary
    await this.count()
  }

  /** Refresh the figures the station shows: tickets known, scans queued, sync issues. */
  async count(): Promise<void> {
    const [tickets, queued, issues] = await Promise.all([
      ticketCount(this.db, this.event),
      queuedCount(this.db, this.event),
      syncIssues(this.db, this.event),
    ])
    Object.assign(this.state, { tickets, queued, issues })
  }
}
