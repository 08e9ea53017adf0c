// A small in-memory check-in server following DESIGN §4 (scan, manifest by
// cursor, idempotent sync keeping the earliest admission), for unit tests of
// the station logic. The real API is exercised by the browser tests.
import type { CheckinTransport } from '~/utils/checkinEngine'
import type { Manifest, ManifestTicket, RegistrationStatusEnum as RegistrationStatus, Verdict as ScanAnswer, SyncResult, OfflineScanRequest as SyncScan } from '~/types/api'
import { codeSha256 } from '~/utils/ticketCode'
import { NetworkError } from '~/utils/errors'

export const EVENT = '7f9d7c1e-0000-4000-8000-000000000001'

export function fakeCode(n: number): string {
  const part = (seed: string) => (seed.repeat(22)).slice(0, 22)
  return `EH1.${part(`A${n}x`)}.${part(`t${n}Q`)}`
}

interface ServerTicket {
  registration: string
  code: string
  attendee_name: string
  ticket_name: string
  status: RegistrationStatus
  checked_in_at: string | null
  changed: number
}

export class CheckinServer implements CheckinTransport {
  tickets: ServerTicket[] = []
  seen = new Map<string, SyncResult>()
  clock = 0
  /** 'up', 'down' (network error) or 'slow' (timeout). */
  network: 'up' | 'down' | 'slow' = 'up'
  calls: string[] = []

  add(n: number, status: RegistrationStatus = 'paid', name = `Attendee ${n}`): string {
    const code = fakeCode(n)
    this.tickets.push({
      registration: `reg-${n}`, code, attendee_name: name, ticket_name: 'Regular', status, checked_in_at: null, changed: ++this.clock,
    })
    return code
  }

  private reachable(call: string) {
    this.calls.push(call)
    if (this.network === 'down') throw new NetworkError('Failed to fetch')
    if (this.network === 'slow') throw new NetworkError('timeout', { timeout: true })
  }

  private admit(code: string, at: string): { result: ScanAnswer['result'], ticket?: ServerTicket } {
    const ticket = this.tickets.find(t => t.code === code)
    if (!ticket) return { result: code.startsWith('EH1.') ? 'not_found' : 'invalid' }
    if (ticket.status === 'pending') return { result: 'not_paid', ticket }
    if (ticket.status === 'cancelled') return { result: 'cancelled', ticket }
    if (ticket.checked_in_at) return { result: 'already_checked_in', ticket }
    ticket.checked_in_at = at
    ticket.changed = ++this.clock
    return { result: 'ok', ticket }
  }

  async scan(body: { code: string, event: string, device: string }) {
    this.reachable('scan')
    const { result, ticket } = this.admit(body.code, new Date().toISOString())
    const status = { ok: 201, invalid: 400, not_found: 404 }[result as string] ?? 409
    const data: ScanAnswer = {
      result,
      detail: result,
      ...(ticket ? { registration: { id: ticket.registration, event: 'e1', status: ticket.status, attendee_name: ticket.attendee_name, ticket_name: ticket.ticket_name } } : {}),
      ...(result === 'already_checked_in' ? { checked_in_at: ticket!.checked_in_at!, checked_in_by: 'Door Staff', device: 'Gate B' } : {}),
    }
    return { status, data }
  }

  async manifest(_event: string, cursor: string | null): Promise<Manifest> {
    this.reachable('manifest')
    const since = cursor ? Number(cursor) : 0
    const entries: ManifestTicket[] = []
    for (const t of this.tickets.filter(t => t.changed > since)) {
      entries.push({
        registration: t.registration, code_sha256: await codeSha256(t.code), attendee_name: t.attendee_name,
        ticket_name: t.ticket_name, status: t.status, checked_in_at: t.checked_in_at,
      })
    }
    return { cursor: String(this.clock), tickets: entries, removed: [] }
  }

  async sync(_event: string, scans: SyncScan[]): Promise<SyncResult[]> {
    this.reachable('sync')
    return scans.map((scan) => {
      const earlier = this.seen.get(scan.scan_id)
      if (earlier) return earlier
      const { result, ticket } = this.admit(scan.code, scan.scanned_at)
      const answer: SyncResult = { scan_id: scan.scan_id, result, checked_in_at: ticket?.checked_in_at ?? undefined }
      this.seen.set(scan.scan_id, answer)
      return answer
    })
  }
}

let dbCounter = 0
export function uniqueDbName(): string {
  dbCounter += 1
  return `test-scanner-${dbCounter}-${Math.random().toString(36).slice(2)}`
}
