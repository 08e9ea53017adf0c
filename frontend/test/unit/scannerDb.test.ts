import { describe, expect, it } from 'vitest'
import {
  admitOffline, applyManifest, clearManifests, findTicket, getMeta, openScannerDb, queuedCount, queuedScans,
  recordSyncResults, searchTickets, syncIssues, ticketCount,
} from '~/utils/scannerDb'
import { codeSha256 } from '~/utils/ticketCode'
import { EVENT, fakeCode, uniqueDbName } from './fixtures'

async function withManifest(...statuses: ('paid' | 'pending' | 'cancelled')[]) {
  const db = await openScannerDb(uniqueDbName())
  const tickets = await Promise.all(statuses.map(async (status, i) => ({
    registration: `reg-${i}`, code_sha256: await codeSha256(fakeCode(i)), attendee_name: `Attendee ${i}`,
    ticket_name: 'Regular', status, checked_in_at: null,
  })))
  await applyManifest(db, EVENT, { cursor: 'c1', tickets, removed: [] })
  return db
}

describe('the offline manifest', () => {
  it('stores tickets by the hash of their code and remembers the cursor', async () => {
    const db = await withManifest('paid', 'paid')
    expect(await ticketCount(db, EVENT)).toBe(2)
    expect((await findTicket(db, EVENT, await codeSha256(fakeCode(1))))?.attendee_name).toBe('Attendee 1')
    expect((await getMeta(db, EVENT))?.cursor).toBe('c1')
  })

  it('applies a delta: changed tickets replaced, removed ones dropped', async () => {
    const db = await withManifest('paid', 'paid')
    await applyManifest(db, EVENT, {
      cursor: 'c2',
      tickets: [{ registration: 'reg-1', code_sha256: await codeSha256(fakeCode(1)), attendee_name: 'Renamed', ticket_name: 'VIP', status: 'cancelled', checked_in_at: null }],
      removed: ['reg-0'],
    })
    expect(await ticketCount(db, EVENT)).toBe(1)
    expect(await findTicket(db, EVENT, await codeSha256(fakeCode(0)))).toBeUndefined()
    expect((await findTicket(db, EVENT, await codeSha256(fakeCode(1))))?.status).toBe('cancelled')
    expect((await getMeta(db, EVENT))?.cursor).toBe('c2')
  })

  it('keeps an offline admission when a delta without it arrives', async () => {
    const db = await withManifest('paid')
    const hash = await codeSha256(fakeCode(0))
    await admitOffline(db, { event: EVENT, code: fakeCode(0), hash, device: 'Gate A' })
    await applyManifest(db, EVENT, {
      cursor: 'c2',
      tickets: [{ registration: 'reg-0', code_sha256: hash, attendee_name: 'Attendee 0', ticket_name: 'Regular', status: 'paid', checked_in_at: null }],
      removed: [],
    })
    const again = await admitOffline(db, { event: EVENT, code: fakeCode(0), hash, device: 'Gate A' })
    expect(again.result).toBe('already_checked_in')
  })

  it('finds attendees by name', async () => {
    const db = await withManifest('paid', 'paid')
    expect((await searchTickets(db, EVENT, 'dee 1')).map(t => t.registration)).toEqual(['reg-1'])
    expect(await searchTickets(db, EVENT, '  ')).toEqual([])
  })
})

describe('the offline queue', () => {
  it('admits a paid ticket once and queues the scan with its code', async () => {
    const db = await withManifest('paid')
    const hash = await codeSha256(fakeCode(0))
    const first = await admitOffline(db, { event: EVENT, code: fakeCode(0), hash, device: 'Gate A' })
    const second = await admitOffline(db, { event: EVENT, code: fakeCode(0), hash, device: 'Gate A' })
    expect(first.result).toBe('ok')
    expect(second.result).toBe('already_checked_in')
    expect(second.checkedInAt).toBe(first.scan?.scanned_at)
    const queued = await queuedScans(db, EVENT)
    expect(queued).toHaveLength(1)
    expect(queued[0]).toMatchObject({ code: fakeCode(0), device: 'Gate A', registration: 'reg-0', state: 'queued' })
  })

  it('admits once when two scans of one ticket race on the device', async () => {
    const db = await withManifest('paid')
    const hash = await codeSha256(fakeCode(0))
    const results = await Promise.all(Array.from({ length: 5 }, () =>
      admitOffline(db, { event: EVENT, code: fakeCode(0), hash, device: 'Gate A' })))
    expect(results.filter(r => r.result === 'ok')).toHaveLength(1)
    expect(await queuedCount(db, EVENT)).toBe(1)
  })

  it('refuses unknown, unpaid and cancelled tickets without queueing', async () => {
    const db = await withManifest('paid', 'pending', 'cancelled')
    const decide = async (n: number) => (await admitOffline(db, { event: EVENT, code: fakeCode(n), hash: await codeSha256(fakeCode(n)), device: 'G' })).result
    expect(await decide(9)).toBe('not_found')
    expect(await decide(1)).toBe('not_paid')
    expect(await decide(2)).toBe('cancelled')
    expect(await queuedCount(db, EVENT)).toBe(0)
  })

  it('refuses a ticket the server already admitted', async () => {
    const db = await openScannerDb(uniqueDbName())
    const hash = await codeSha256(fakeCode(0))
    await applyManifest(db, EVENT, {
      cursor: 'c', removed: [],
      tickets: [{ registration: 'reg-0', code_sha256: hash, attendee_name: 'A', ticket_name: 'R', status: 'paid', checked_in_at: '2026-05-01T10:00:00+07:00' }],
    })
    const outcome = await admitOffline(db, { event: EVENT, code: fakeCode(0), hash, device: 'G' })
    expect(outcome).toMatchObject({ result: 'already_checked_in', checkedInAt: '2026-05-01T10:00:00+07:00' })
  })

  it('records sync answers, drops the codes, and lists duplicates', async () => {
    const db = await withManifest('paid', 'paid')
    const a = await admitOffline(db, { event: EVENT, code: fakeCode(0), hash: await codeSha256(fakeCode(0)), device: 'G' })
    const b = await admitOffline(db, { event: EVENT, code: fakeCode(1), hash: await codeSha256(fakeCode(1)), device: 'G' })
    await recordSyncResults(db, [
      { scan_id: a.scan!.scan_id, result: 'ok', checked_in_at: a.scan!.scanned_at },
      { scan_id: b.scan!.scan_id, result: 'already_checked_in', checked_in_at: '2026-05-01T09:00:00+07:00' },
    ])
    expect(await queuedCount(db, EVENT)).toBe(0)
    const issues = await syncIssues(db, EVENT)
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ registration: 'reg-1', state: 'duplicate', code: null, server_checked_in_at: '2026-05-01T09:00:00+07:00' })
    expect((await findTicket(db, EVENT, await codeSha256(fakeCode(1))))?.checked_in_at).toBe('2026-05-01T09:00:00+07:00')
  })

  it('forgets manifests on logout but keeps scans not yet synced', async () => {
    const db = await withManifest('paid', 'paid')
    await admitOffline(db, { event: EVENT, code: fakeCode(0), hash: await codeSha256(fakeCode(0)), device: 'G' })
    await clearManifests(db)
    expect(await ticketCount(db, EVENT)).toBe(0)
    expect(await queuedCount(db, EVENT)).toBe(1)
  })
})
