import { beforeEach, describe, expect, it } from 'vitest'
import { useRouter } from '#imports'
import { isBuyingCall } from '~/composables/useApi'
import { pollDelay, slugFromRefusal, waitWords, type RoomStatus } from '~/utils/waitingRoom'
import { serveApi } from './api'

const ANI = { id: 'u1', email: 'ani@example.com', full_name: 'Ani', role: 'user', is_active: true }
const BUDI = { ...ANI, id: 'u2', email: 'budi@example.com', full_name: 'Budi' }
const SOON = () => new Date(Date.now() + 15 * 60_000).toISOString()

function room(fields: Partial<RoomStatus>): RoomStatus {
  return {
    state: 'waiting', position: 3, ahead: 2, estimated_wait_seconds: 120, opens_at: '2026-12-03T03:00:00Z',
    poll_after_seconds: 2, pass: null, pass_expires_at: null, event: 'konser-senja', ...fields,
  }
}

beforeEach(() => {
  useWaitingRoomStore().clear()
  useAuthStore().setUser(ANI as never)
  useAuthStore().setAccess('access-1')
})

describe('useWaitingRoom', () => {
  it('asks first, joins when not in line, polls as often as the server says, and keeps the pass once admitted', async () => {
    const answers = [room({ position: 3, ahead: 2 }), room({ position: 3, ahead: 1, poll_after_seconds: 1 }),
      room({ state: 'admitted', position: 3, ahead: 0, pass: 'WP1.abc.def', pass_expires_at: SOON() })]
    let asked = false
    const seen = serveApi({
      'POST waiting-room/konser-senja/join/': () => ({ status: 200, body: answers.shift() }),
      'GET waiting-room/konser-senja/': () => (asked
        ? { status: 200, body: answers.shift() }
        : (asked = true, { status: 404, body: { code: 'not_in_queue', detail: 'Join first.' } })),
    })
    const states: Array<[string, number | null]> = []
    const started = Date.now()
    await new Promise<void>((resolve) => {
      useWaitingRoom().follow('konser-senja', (s) => {
        states.push([s.state, s.ahead])
        if (s.state === 'admitted') resolve()
      }, { eventId: 'event-1', unit: 10 })
    })
    expect(states).toEqual([['waiting', 2], ['waiting', 1], ['admitted', 0]])
    expect(seen.map(s => `${s.method} ${s.path}`)).toEqual([
      'GET waiting-room/konser-senja/', 'POST waiting-room/konser-senja/join/', 'GET waiting-room/konser-senja/',
      'GET waiting-room/konser-senja/',
    ])
    // 2 then 1 "seconds" of 10 ms: the server's pace, not a fixed one.
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
    await new Promise(resolve => setTimeout(resolve, 60))
    expect(seen).toHaveLength(4)
    expect(useWaitingRoom().passFor('konser-senja')).toBe('WP1.abc.def')
    expect(useWaitingRoom().passFor('event-1')).toBe('WP1.abc.def')
  })

  it('takes a place again when the server no longer knows it', async () => {
    let joins = 0
    const seen = serveApi({
      'POST waiting-room/konser-senja/join/': () => ({ status: 200, body: room({ position: ++joins }) }),
      'GET waiting-room/konser-senja/': () => ({ status: 404, body: { code: 'not_in_queue', detail: 'Join first.' } }),
    })
    const positions: Array<number | null> = []
    await new Promise<void>((resolve) => {
      const stop = useWaitingRoom().follow('konser-senja', (s) => {
        positions.push(s.position)
        if (positions.length === 2) {
          stop()
          resolve()
        }
      }, { unit: 1 })
    })
    expect(positions).toEqual([1, 2])
    expect(seen.map(s => s.method)).toEqual(['GET', 'POST', 'GET', 'POST'])
  })

  it('joins again, saying so, when the pass it was admitted with has run out', async () => {
    const seen = serveApi({
      'GET waiting-room/konser-senja/': () => ({ status: 200, body: room({ state: 'admitted', position: 3, ahead: 0 }) }),
      'POST waiting-room/konser-senja/join/': () => ({ status: 200, body: room({ position: 41, ahead: 40 }) }),
    })
    const events: string[] = []
    await new Promise<void>((resolve) => {
      const stop = useWaitingRoom().follow('konser-senja', (s) => {
        events.push(`${s.state} ${s.position}`)
        stop()
        resolve()
      }, { unit: 1, onRejoin: () => events.push('rejoin') })
    })
    expect(events).toEqual(['rejoin', 'waiting 41'])
    expect(seen.map(s => s.method)).toEqual(['GET', 'POST'])
    expect(useWaitingRoom().passFor('konser-senja')).toBeNull()
  })

  it('keeps polling through a network blip and stops for an event without a room', async () => {
    const polls = [{ status: 404, body: { code: 'not_in_queue', detail: 'Join first.' } },
      { status: 503, body: { code: 'unavailable', detail: 'Try again.' } }]
    serveApi({
      'POST waiting-room/konser-senja/join/': () => ({ status: 200, body: room({}) }),
      'GET waiting-room/konser-senja/': () => polls.shift() ?? { status: 200, body: room({ state: 'off' }) },
    })
    const troubles: string[] = []
    const states: string[] = []
    await new Promise<void>((resolve) => {
      useWaitingRoom().follow('konser-senja', (s) => {
        states.push(s.state)
        if (s.state === 'off') resolve()
      }, { unit: 1, onTrouble: e => troubles.push((e as { code: string }).code) })
    })
    expect(states).toEqual(['waiting', 'off'])
    expect(troubles).toEqual(['unavailable'])

    const missing: string[] = []
    await new Promise<void>((resolve) => {
      useWaitingRoom().follow('tidak-ada', () => {}, { unit: 1, onTrouble: (e) => {
        missing.push((e as { code: string }).code)
        resolve()
      } })
    })
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(missing).toEqual(['not_found'])
  })
})

describe('the pass on buying calls', () => {
  it('goes with buying calls as X-Waiting-Room-Pass: the newest live pass of this user, nowhere else', async () => {
    const seen = serveApi({
      'POST registrations/': () => ({ status: 201, body: { id: 'reg-1', status: 'pending' } }),
      'GET registrations/': () => ({ status: 200, body: { count: 0, next: null, previous: null, results: [] } }),
      'POST payments/start/': () => ({ status: 201, body: { redirect_url: 'http://localhost:3000/app/#paid' } }),
    })
    const passes = useWaitingRoomStore()
    passes.keep('lama', 'WP1.expired', new Date(Date.now() - 1000).toISOString())
    await useEvents().register('ticket-1')
    passes.keep('konser-senja', 'WP1.ani', SOON(), 'event-1')
    await useEvents().register('ticket-1')
    await useEvents().registrations()
    await usePayment().start('reg-1', 'qris')
    useAuthStore().setUser(BUDI as never)
    await useEvents().register('ticket-1')
    expect(seen.map(s => [s.method, s.path.split('?')[0], s.headers.get('X-Waiting-Room-Pass')])).toEqual([
      ['POST', 'registrations/', null],
      ['POST', 'registrations/', 'WP1.ani'],
      ['GET', 'registrations/', null],
      ['POST', 'payments/start/', 'WP1.ani'],
      ['POST', 'registrations/', null],
    ])
  })

  it('knows the buying calls and, holding passes of two events, which goes with a call naming one', () => {
    expect(['registrations/', 'orders/', 'payments/start/'].every(path => isBuyingCall('POST', path))).toBe(true)
    expect(isBuyingCall('GET', 'registrations/')).toBe(false)
    expect(isBuyingCall('POST', 'registrations/r1/cancel/')).toBe(false)
    expect(isBuyingCall('POST', 'orders/quote/')).toBe(false)
    const passes = useWaitingRoomStore()
    passes.keep('konser-senja', 'WP1.senja', SOON(), 'event-1')
    passes.keep('jazz-malam', 'WP1.jazz', SOON(), 'event-2')
    expect(passes.latest()).toBe('WP1.jazz')
    expect(passes.passFor('event-1')).toBe('WP1.senja')
    expect(passes.passFor('konser-senja')).toBe('WP1.senja')
  })

  it('sends the buyer to the event\'s queue when a buying call is refused for want of a pass', async () => {
    serveApi({
      'POST registrations/': () => ({ status: 403, body: {
        code: 'waiting_room', detail: 'Join the queue first.',
        join_url: '/api/v1/waiting-room/konser-senja/join/', queue_url: '/events/konser-senja/queue/',
      } }),
    })
    useWaitingRoomStore().keep('konser-senja', 'WP1.expired-on-the-server', SOON())
    const error = await useEvents().register('ticket-1').catch(e => e)
    expect(error).toMatchObject({ status: 403, code: 'waiting_room' })
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(useRouter().currentRoute.value.path).toBe('/queue/konser-senja')
    expect(useWaitingRoom().passFor('konser-senja')).toBeNull()
  })

  it('is kept across a reload of the page (sessionStorage)', () => {
    useWaitingRoomStore().keep('konser-senja', 'WP1.ani', SOON())
    const stored = JSON.parse(sessionStorage.getItem('eventhub:waiting-room-passes') || '{}')
    expect(stored['konser-senja']).toMatchObject({ pass: 'WP1.ani', user: 'u1' })
  })
})

describe('waiting-room answers', () => {
  it('says the wait in words, rounded up to minutes', () => {
    expect(waitWords(null)).toBeNull()
    expect(waitWords(0)).toEqual({ key: 'queue.waitSoon' })
    expect(waitWords(59)).toEqual({ key: 'queue.waitSoon' })
    expect(waitWords(60)).toEqual({ key: 'queue.waitMinute' })
    expect(waitWords(61)).toEqual({ key: 'queue.waitMinutes', params: { count: 2 } })
    expect(waitWords(3 * 3600 + 5 * 60)).toEqual({ key: 'queue.waitHours', params: { hours: 3, minutes: 5 } })
  })

  it('reads the event from a refusal and keeps the poll pace within bounds', () => {
    expect(slugFromRefusal({ queue_url: '/events/konser-senja/queue/' })).toBe('konser-senja')
    expect(slugFromRefusal({ join_url: '/api/v1/waiting-room/konser-senja/join/' })).toBe('konser-senja')
    expect(slugFromRefusal({ code: 'waiting_room' })).toBe('')
    expect(pollDelay({ poll_after_seconds: 5 })).toBe(5)
    expect(pollDelay({ poll_after_seconds: 0 })).toBe(2)
    expect(pollDelay({ poll_after_seconds: 3600 })).toBe(60)
    expect(pollDelay(null)).toBe(2)
  })
})
