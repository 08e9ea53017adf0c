import { beforeEach, describe, expect, it } from 'vitest'
import { DB_NAME } from '~/utils/scannerDb'
import { codeSha256 } from '~/utils/ticketCode'
import { serveApi } from './api'
import { EVENT, fakeCode } from './fixtures'

async function manifest() {
  return {
    cursor: 'c1', removed: [],
    tickets: [{ registration: 'r1', code_sha256: await codeSha256(fakeCode(1)), attendee_name: 'Ani', ticket_name: 'VIP', status: 'paid', checked_in_at: null }],
  }
}

beforeEach(async () => {
  // Each test starts as a fresh device.
  await new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(DB_NAME)
    request.onsuccess = resolve
    request.onerror = reject
  })
  useAuthStore().setAccess('token')
})

describe('useCheckin', () => {
  it('speaks the check-in API: manifest by event and cursor, scans with event and gate, verdicts from 409s', async () => {
    const body = await manifest()
    const seen = serveApi({
      'GET checkins/manifest/': () => ({ status: 200, body }),
      'POST checkins/scan/': () => ({
        status: 409,
        body: { result: 'already_checked_in', detail: 'Already.', registration: { id: 'r1', attendee_name: 'Ani', ticket_name: 'VIP' }, checked_in_at: '2026-05-01T10:00:00+07:00', checked_in_by: 'Staf', device: 'Gerbang B' },
      }),
    })
    useAuthStore().setAccess('token')
    const station = useCheckin()
    await station.open(EVENT, 'Gerbang A')
    const store = useCheckinStore()
    expect(store.station).toMatchObject({ mode: 'online', tickets: 1 })
    const verdict = await station.submit(fakeCode(1))
    expect(verdict).toMatchObject({ result: 'already_checked_in', attendeeName: 'Ani', checkedInBy: 'Staf', device: 'Gerbang B', offline: false })
    expect(store.verdict?.result).toBe('already_checked_in')
    expect(seen.find(s => s.method === 'GET')?.path).toBe(`checkins/manifest/?event=${EVENT}`)
    expect(seen.find(s => s.method === 'POST')).toMatchObject({
      path: 'checkins/scan/', authorization: 'Bearer token', body: { code: fakeCode(1), event: EVENT, device: 'Gerbang A' },
    })
    station.close()
  })

  it('reads the manifest in one request: the server never paginates it, so no link is followed', async () => {
    const body = { ...(await manifest()), next: 'checkins/manifest/?page=2' }
    const seen = serveApi({ 'GET checkins/manifest/': () => ({ status: 200, body }) })
    useAuthStore().setAccess('token')
    const station = useCheckin()
    await station.open(EVENT, 'Gerbang A')
    expect(useCheckinStore().station).toMatchObject({ mode: 'online', tickets: 1 })
    expect(seen.map(s => s.path)).toEqual([`checkins/manifest/?event=${EVENT}`])
    station.close()
  })

  it('admits offline when the API is down and syncs the queue with scan ids when it is back', async () => {
    serveApi({ 'GET checkins/manifest/': async () => ({ status: 200, body: await manifest() }) })
    const station = useCheckin()
    const store = useCheckinStore()
    await station.open(EVENT, 'Gerbang A')

    const seen = serveApi({
      'GET checkins/manifest/': () => ({ status: 200, body: { cursor: 'c2', tickets: [], removed: [] } }),
      'POST checkins/scan/': () => {
        throw new TypeError('Failed to fetch')
      },
      'POST checkins/sync/': ({ body: sent }) => ({
        status: 200,
        body: { results: (sent as { scans: { scan_id: string }[] }).scans.map(s => ({ scan_id: s.scan_id, result: 'ok', checked_in_at: '2026-05-01T10:00:00+07:00' })) },
      }),
    })
    const verdict = await station.submit(fakeCode(1))
    expect(verdict).toMatchObject({ result: 'ok', offline: true, queued: true })
    expect(store.station).toMatchObject({ mode: 'offline', queued: 1 })

    await station.refresh()
    expect(store.station).toMatchObject({ mode: 'online', queued: 0 })
    const sync = seen.find(s => s.path === 'checkins/sync/')
    expect(sync?.body).toMatchObject({ event: EVENT, scans: [{ code: fakeCode(1), device: 'Gerbang A' }] })
    expect((sync?.body as { scans: { scan_id: string }[] }).scans[0].scan_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(seen.find(s => s.path.startsWith('checkins/manifest/'))?.path).toBe(`checkins/manifest/?event=${EVENT}&cursor=c1`)
    station.close()
  })

  it('syncs scans another event left queued when a station opens', async () => {
    const OTHER = '7f9d7c1e-0000-4000-8000-000000000002'
    serveApi({ 'GET checkins/manifest/': async () => ({ status: 200, body: await manifest() }) })
    const station = useCheckin()
    await station.open(OTHER, 'Gerbang A')
    serveApi({ 'POST checkins/scan/': () => { throw new TypeError('Failed to fetch') } })
    expect((await station.submit(fakeCode(1)))?.queued).toBe(true)
    station.close()

    const seen = serveApi({
      'GET checkins/manifest/': () => ({ status: 200, body: { cursor: 'c1', tickets: [], removed: [] } }),
      'POST checkins/sync/': ({ body: sent }) => ({
        status: 200,
        body: { results: (sent as { scans: { scan_id: string }[] }).scans.map(s => ({ scan_id: s.scan_id, result: 'ok' })) },
      }),
    })
    await station.open(EVENT, 'Gerbang A')
    expect(seen.filter(s => s.path === 'checkins/sync/').map(s => (s.body as { event: string }).event)).toEqual([OTHER])
    station.close()
  })
})
