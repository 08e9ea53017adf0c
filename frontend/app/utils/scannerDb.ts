// The scanner's offline store in IndexedDB: each event's manifest of tickets
// (hashes of codes, never the codes), its delta cursor, and the queue of
// admissions made offline waiting to be synced.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { Manifest, ManifestTicket, RegistrationStatusEnum as RegistrationStatus, ResultEnum as ScanResult, SyncResult } from '~/types/api'

export interface StoredTicket extends ManifestTicket {
  event: string
  /** When this device admitted the ticket offline (not yet confirmed by the server). */
  local_checked_in_at?: string | null
}

export type QueueState = 'queued' | 'synced' | 'duplicate' | 'rejected'

export interface QueuedScan {
  scan_id: string
  event: string
  /** The code, kept only until the server has the scan. */
  code: string | null
  scanned_at: string
  device: string
  registration: string
  attendee_name: string
  ticket_name: string
  state: QueueState
  result?: ScanResult
  server_checked_in_at?: string | null
  synced_at?: string
}

export interface EventMeta {
  event: string
  cursor: string | null
  refreshed_at: string
}

interface ScannerSchema extends DBSchema {
  tickets: {
    key: [string, string]
    value: StoredTicket
    indexes: { by_registration: [string, string], by_event: string }
  }
  meta: { key: string, value: EventMeta }
  queue: {
    key: string
    value: QueuedScan
    indexes: { by_event_state: [string, QueueState] }
  }
}

export type ScannerDb = IDBPDatabase<ScannerSchema>

export const DB_NAME = 'eventhub-scanner'

export function openScannerDb(name = DB_NAME): Promise<ScannerDb> {
  return openDB<ScannerSchema>(name, 1, {
    upgrade(db) {
      const tickets = db.createObjectStore('tickets', { keyPath: ['event', 'code_sha256'] })
      tickets.createIndex('by_registration', ['event', 'registration'], { unique: true })
      tickets.createIndex('by_event', 'event')
      db.createObjectStore('meta', { keyPath: 'event' })
      const queue = db.createObjectStore('queue', { keyPath: 'scan_id' })
      queue.createIndex('by_event_state', ['event', 'state'])
    },
  })
}

export async function getMeta(db: ScannerDb, event: string): Promise<EventMeta | undefined> {
  return await db.get('meta', event)
}

/** Store one page of the manifest (full or delta) and its cursor, keeping this device's own admissions. */
export async function applyManifest(db: ScannerDb, event: string, manifest: Manifest, now = new Date()): Promise<void> {
  const tx = db.transaction(['tickets', 'meta'], 'readwrite')
  const tickets = tx.objectStore('tickets')
  const byRegistration = tickets.index('by_registration')
  for (const registration of manifest.removed || []) {
    const key = await byRegistration.getKey([event, registration])
    if (key) await tickets.delete(key)
  }
  for (const ticket of manifest.tickets || []) {
    const oldKey = await byRegistration.getKey([event, ticket.registration])
    const old = oldKey ? await tickets.get(oldKey) : undefined
    if (oldKey && old && old.code_sha256 !== ticket.code_sha256) await tickets.delete(oldKey)
    await tickets.put({ ...ticket, event, local_checked_in_at: old?.local_checked_in_at ?? null })
  }
  await tx.objectStore('meta').put({ event, cursor: manifest.cursor ?? null, refreshed_at: now.toISOString() })
  await tx.done
}

export async function ticketCount(db: ScannerDb, event: string): Promise<number> {
  return await db.countFromIndex('tickets', 'by_event', event)
}

export async function findTicket(db: ScannerDb, event: string, hash: string): Promise<StoredTicket | undefined> {
  return await db.get('tickets', [event, hash])
}

export async function searchTickets(db: ScannerDb, event: string, text: string, limit = 20): Promise<StoredTicket[]> {
  const needle = text.trim().toLowerCase()
  if (!needle) return []
  const all = await db.getAllFromIndex('tickets', 'by_event', event)
  return all.filter(t => t.attendee_name.toLowerCase().includes(needle)).slice(0, limit)
}

/** Mark a ticket admitted as the server said (an online scan), so a later offline scan refuses it. */
export async function markCheckedIn(db: ScannerDb, event: string, hash: string, checkedInAt: string): Promise<void> {
  const tx = db.transaction('tickets', 'readwrite')
  const ticket = await tx.store.get([event, hash])
  if (ticket && !ticket.checked_in_at) await tx.store.put({ ...ticket, checked_in_at: checkedInAt })
  await tx.done
}

export interface OfflineAdmission {
  result: ScanResult
  ticket?: StoredTicket
  checkedInAt?: string | null
  scan?: QueuedScan
}

const STATUS_RESULT: Record<RegistrationStatus, ScanResult> = { paid: 'ok', pending: 'not_paid', cancelled: 'cancelled' }

/**
 * Decide a scan against the stored manifest and, when it admits, queue it, in
 * one transaction: two scans of one ticket on this device admit it once.
 */
export async function admitOffline(
  db: ScannerDb,
  { event, code, hash, device, now = new Date(), scanId = crypto.randomUUID() }:
  { event: string, code: string, hash: string, device: string, now?: Date, scanId?: string },
): Promise<OfflineAdmission> {
  const tx = db.transaction(['tickets', 'queue'], 'readwrite')
  const tickets = tx.objectStore('tickets')
  const ticket = await tickets.get([event, hash])
  let outcome: OfflineAdmission
  if (!ticket) {
    outcome = { result: 'not_found' }
  }
  else if (STATUS_RESULT[ticket.status] !== 'ok') {
    outcome = { result: STATUS_RESULT[ticket.status] ?? 'not_found', ticket }
  }
  else if (ticket.checked_in_at || ticket.local_checked_in_at) {
    outcome = { result: 'already_checked_in', ticket, checkedInAt: ticket.checked_in_at || ticket.local_checked_in_at }
  }
  else {
    const scannedAt = now.toISOString()
    const scan: QueuedScan = {
      scan_id: scanId,
      event,
      code,
      scanned_at: scannedAt,
      device,
      registration: ticket.registration,
      attendee_name: ticket.attendee_name,
      ticket_name: ticket.ticket_name,
      state: 'queued',
    }
    await tickets.put({ ...ticket, local_checked_in_at: scannedAt })
    await tx.objectStore('queue').add(scan)
    outcome = { result: 'ok', ticket, checkedInAt: scannedAt, scan }
  }
  await tx.done
  return outcome
}

export async function queuedScans(db: ScannerDb, event: string): Promise<QueuedScan[]> {
  const scans = await db.getAllFromIndex('queue', 'by_event_state', [event, 'queued'])
  return scans.sort((a, b) => a.scanned_at.localeCompare(b.scanned_at))
}

export async function queuedCount(db: ScannerDb, event: string): Promise<number> {
  return await db.countFromIndex('queue', 'by_event_state', [event, 'queued'])
}

/** Every event that still has scans waiting to be synced. */
export async function eventsWithQueuedScans(db: ScannerDb): Promise<string[]> {
  const all = await db.getAll('queue')
  return [...new Set(all.filter(s => s.state === 'queued').map(s => s.event))]
}

/** Scans the server did not accept as admissions of this device: duplicates first. */
export async function syncIssues(db: ScannerDb, event: string): Promise<QueuedScan[]> {
  const [duplicates, rejected] = await Promise.all([
    db.getAllFromIndex('queue', 'by_event_state', [event, 'duplicate']),
    db.getAllFromIndex('queue', 'by_event_state', [event, 'rejected']),
  ])
  return [...duplicates, ...rejected].sort((a, b) => (b.synced_at || '').localeCompare(a.synced_at || ''))
}

/** Record the server's answer for synced scans; the codes are dropped once the server has them. */
export async function recordSyncResults(db: ScannerDb, results: SyncResult[], now = new Date()): Promise<QueuedScan[]> {
  const tx = db.transaction(['queue', 'tickets'], 'readwrite')
  const queue = tx.objectStore('queue')
  const tickets = tx.objectStore('tickets')
  const updated: QueuedScan[] = []
  for (const answer of results) {
    const scan = await queue.get(answer.scan_id)
    if (!scan) continue
    const state: QueueState = answer.result === 'ok' ? 'synced' : answer.result === 'already_checked_in' ? 'duplicate' : 'rejected'
    const next: QueuedScan = {
      ...scan,
      code: null,
      state,
      result: answer.result,
      server_checked_in_at: answer.checked_in_at ?? null,
      synced_at: now.toISOString(),
    }
    await queue.put(next)
    updated.push(next)
    const key = await tickets.index('by_registration').getKey([scan.event, scan.registration])
    const ticket = key ? await tickets.get(key) : undefined
    if (ticket && answer.checked_in_at) await tickets.put({ ...ticket, checked_in_at: answer.checked_in_at })
  }
  await tx.done
  return updated
}

/** Forget every event's manifest (on logout); scans not yet synced stay queued. */
export async function clearManifests(db: ScannerDb): Promise<void> {
  const tx = db.transaction(['tickets', 'meta', 'queue'], 'readwrite')
  await tx.objectStore('tickets').clear()
  await tx.objectStore('meta').clear()
  const queue = tx.objectStore('queue')
  for (const scan of await queue.getAll()) {
    if (scan.state !== 'queued') await queue.delete(scan.scan_id)
  }
  await tx.done
}
