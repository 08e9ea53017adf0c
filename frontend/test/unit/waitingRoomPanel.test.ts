// Staff see an event's queue live and switch it on, set the opening and the rate, pause and resume.
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import WaitingRoomPanel from '~/components/admin/WaitingRoomPanel.vue'
import type { RoomSettings } from '~/utils/waitingRoom'
import { serveApi } from './api'

let current: RoomSettings

beforeEach(() => {
  useI18n().locale.value = 'en'
  useAuthStore().setAccess('access-1')
  current = {
    enabled: false, opens_at: '2031-05-01T03:00:00Z', rate_per_minute: 100, paused: false,
    stats: { waiting: 1520, admitted: 300, buying: 42, sold: 250 },
  }
})

function serve() {
  return serveApi({
    'GET events/konser/waiting-room/': () => ({ status: 200, body: current }),
    'PATCH events/konser/waiting-room/': ({ body }) => {
      current = { ...current, ...(body as Partial<RoomSettings>) }
      return { status: 200, body: current }
    },
  })
}

describe('the waiting-room panel', () => {
  it('shows the queue\'s figures and saves the opening on the event\'s clock, the rate and the switch', async () => {
    const seen = serve()
    const wrapper = await mountSuspended(WaitingRoomPanel, { props: { slug: 'konser', zone: 'Asia/Makassar' } })
    await flushPromises()
    expect(wrapper.get('[data-testid="room-waiting"]').text()).toBe('1520')
    expect(wrapper.get('[data-testid="room-buying"]').text()).toBe('42')
    expect(wrapper.get('[data-testid="room-badge"]').text()).toBe('Off')
    // 03:00 UTC is 11:00 in Makassar (WITA).
    expect((wrapper.get('[data-testid="room-opens-at"]').element as HTMLInputElement).value).toBe('2031-05-01T11:00')

    await wrapper.get('[data-testid="room-enabled"]').setValue(true)
    await wrapper.get('[data-testid="room-opens-at"]').setValue('2031-05-01T10:00')
    await wrapper.get('[data-testid="room-rate"]').setValue('600')
    await wrapper.get('[data-testid="room-form"]').trigger('submit')
    await flushPromises()
    const patch = seen.find(s => s.method === 'PATCH')
    expect(patch?.body).toEqual({ enabled: true, opens_at: '2031-05-01T10:00:00+08:00', rate_per_minute: 600 })
    expect(wrapper.get('[data-testid="room-badge"]').text()).toBe('On')
    wrapper.unmount()
  })

  it('pauses and resumes admission in one click', async () => {
    current.enabled = true
    const seen = serve()
    const wrapper = await mountSuspended(WaitingRoomPanel, { props: { slug: 'konser', zone: 'Asia/Jakarta' } })
    await flushPromises()
    await wrapper.get('[data-testid="room-pause"]').trigger('click')
    await flushPromises()
    expect(seen.filter(s => s.method === 'PATCH').map(s => s.body)).toEqual([{ paused: true }])
    expect(wrapper.get('[data-testid="room-badge"]').text()).toBe('Paused')
    expect(wrapper.get('[data-testid="room-pause"]').text()).toBe('Resume admission')
    wrapper.unmount()
  })
})

describe('without waiting rooms on the server', () => {
  it('shows no panel', async () => {
    serveApi({})
    const wrapper = await mountSuspended(WaitingRoomPanel, { props: { slug: 'konser', zone: 'Asia/Jakarta' } })
    await flushPromises()
    expect(wrapper.find('[data-testid="waiting-room-panel"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
