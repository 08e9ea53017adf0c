import { describe, expect, it } from 'vitest'
import { CheckinEngine, describeRegistration, newStationState } from '~/utils/checkinEngine'
import { openScannerDb, queuedCount } from '~/utils/scannerDb'
import { CheckinServer, EVENT, fakeCode, uniqueDbName } from './fixtures'

async function station(server: CheckinServer) {
  const db = await openScannerDb(uniqueDbName())
  const state = newStationState()
  const engine = new CheckinEngine(server, db, EVENT, 'Gate A', state, 50)
  await engine.refresh()
  return { db, state, engine }
}

describe('a scan station', () => {
  it('asks the API while online and shows its verdicts', async () => {
    const server = new CheckinServer()
    const code = server.add(1)
    const { engine, state } = await station(server)
    expect(state).toMatchObject({ mode: 'online', tickets: 1 })
    expect(await engine.submit(code)).toMatchObject({ result: 'ok', attendeeName: 'Attendee 1', ticketName: 'Regular', offline: false })
    const again = await engine.submit(`  ${code} `)
    expect(again).toMatchObject({ result: 'already_checked_in', checkedInBy: 'Door Staff', device: 'Gate B', offline: false })
    expect((await engine.submit('not a ticket')).result).toBe('invalid')
  })

  it('switches to offline by itself when the API is unreachable and admits from the manifest', async () => {
    const server = new CheckinServer()
    const code = server.add(1)
    const { engine, state, db } = await station(server)
    server.network = 'down'
    const verdict = await engine.submit(code)
    expect(verdict).toMatchObject({ result: 'ok', offline: true, queued: true, attendeeName: 'Attendee 1' })
    expect(state).toMatchObject({ mode: 'offline', offlineReason: 'unreachable', queued: 1 })
    expect(await queuedCount(db, EVENT)).toBe(1)
    // Offline, the next scan goes straight to the manifest.
    expect((await engine.submit(code)).result).toBe('already_checked_in')
    expect(server.calls.filter(c => c === 'scan')).toHaveLength(1)
  })

  it('treats a slow API like an absent one', async () => {
    const server = new CheckinServer()
    const code = server.add(1)
    const { engine, state } = await station(server)
    server.network = 'slow'
    expect((await engine.submit(code)).offline).toBe(true)
    expect(state.offlineReason).toBe('slow')
  })

  it('does not admit offline a ticket it saw admitted online', async () => {
    const server = new CheckinServer()
    const code = server.add(1)
    const { engine } = await station(server)
    expect((await engine.submit(code)).result).toBe('ok')
    server.network = 'down'
    expect(await engine.submit(code)).toMatchObject({ result: 'already_checked_in', offline: true, queued: false })
  })

  it('refuses forged and unknown codes offline', async () => {
    const server = new CheckinServer()
    server.add(1)
    const { engine } = await station(server)
    server.network = 'down'
    expect((await engine.submit('EH1.forged')).result).toBe('invalid')
    expect((await engine.submit(fakeCode(42))).result).toBe('not_found')
  })

  it('goes back online, syncs the queue, and shows duplicates the server reports', async () => {
    const server = new CheckinServer()
    const mine = server.add(1)
    const contested = server.add(2)
    const { engine, state } = await station(server)
    server.network = 'down'
    await engine.submit(mine)
    await engine.submit(contested)
    expect(state.queued).toBe(2)
    // Meanwhile another gate, still online, admitted the second ticket.
    server.network = 'up'
    await server.scan({ code: contested, event: EVENT, device: 'Gate B' })
    expect(await engine.refresh()).toBe(true)
    expect(state).toMatchObject({ mode: 'online', queued: 0 })
    expect(state.lastSync).toMatchObject({ synced: 1, duplicates: 1, rejected: 0 })
    expect(state.issues.map(i => [i.attendee_name, i.result])).toEqual([['Attendee 2', 'already_checked_in']])
    expect(server.tickets.every(t => t.checked_in_at)).toBe(true)
  })

  it('syncs each offline scan once even when an answer is lost', async () => {
    const server = new CheckinServer()
    const code = server.add(1)
    const { engine, state } = await station(server)
    server.network = 'down'
    await engine.submit(code)
    server.network = 'up'
    const scanId = (await engine['db'].getAll('queue'))[0].scan_id
    // The server got the sync but the device never heard back: it sends it again.
    await server.sync(EVENT, [{ scan_id: scanId, code, scanned_at: new Date().toISOString(), device: 'Gate A' }])
    await engine.refresh()
    expect(state.lastSync).toMatchObject({ synced: 1, duplicates: 0 })
  })

  it('stays offline while the API is still down', async () => {
    const server = new CheckinServer()
    server.add(1)
    const { engine, state } = await station(server)
    server.network = 'down'
    expect(await engine.refresh()).toBe(false)
    expect(state.mode).toBe('offline')
  })
})

describe('describeRegistration', () => {
  it('reads the names a scan verdict carries', () => {
    const registration = { id: 'r1', event: 'e1', status: 'paid' as const, attendee_name: 'Ani', ticket_name: 'VIP' }
    expect(describeRegistration(registration)).toEqual({ attendeeName: 'Ani', ticketName: 'VIP' })
    expect(describeRegistration(undefined)).toEqual({})
  })
})
