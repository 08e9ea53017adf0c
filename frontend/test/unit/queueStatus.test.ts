// The queue page shows what the waiting room answers: the place, the people
// ahead and the wait in the user's language, sold out with the waiting list.
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import QueueStatus from '~/components/waitingroom/QueueStatus.vue'
import type { RoomStatus } from '~/utils/waitingRoom'
import { serveApi } from './api'

const EVENT = { id: 'e1', slug: 'konser', title: 'Konser Senja', description: '', event_date: '2031-05-01T12:00:00Z', timezone: 'Asia/Jakarta', location: 'Jakarta', tickets: [] }

function answer(fields: Partial<RoomStatus>): RoomStatus {
  return {
    state: 'waiting', position: 1234, ahead: 1200, estimated_wait_seconds: 610, opens_at: '2031-05-01T03:00:00Z',
    poll_after_seconds: 30, pass: null, pass_expires_at: null, event: 'konser', ...fields,
  }
}

async function mount(status: RoomStatus, standing: RoomStatus | null = null) {
  serveApi({
    'GET events/konser/': () => ({ status: 200, body: EVENT }),
    'GET waiting-room/konser/': () => (standing
      ? { status: 200, body: standing }
      : { status: 404, body: { code: 'not_in_queue', detail: 'Join first.' } }),
    'POST waiting-room/konser/join/': () => ({ status: 200, body: status }),
  })
  const wrapper = await mountSuspended(QueueStatus, { props: { slug: 'konser' } })
  await flushPromises()
  await new Promise(resolve => setTimeout(resolve, 10))
  await flushPromises()
  return wrapper
}

beforeEach(() => {
  useI18n().locale.value = 'id'
  useAuthStore().setAccess('access-1')
})

describe('the queue page', () => {
  it('shows the place, the people ahead and the wait in Indonesian', async () => {
    const wrapper = await mount(answer({}))
    expect(wrapper.get('[data-testid="queue"]').attributes('data-state')).toBe('waiting')
    expect(wrapper.get('[data-testid="queue-position"]').text()).toBe('1.234')
    expect(wrapper.get('[data-testid="queue-ahead"]').attributes('data-value')).toBe('1200')
    expect(wrapper.get('[data-testid="queue-wait"]').text()).toBe('sekitar 11 menit')
    expect(wrapper.text()).toContain('Konser Senja')
    wrapper.unmount()
  })

  it('says the place is drawn at the opening before the sale opens, in English when asked', async () => {
    useI18n().locale.value = 'en'
    const wrapper = await mount(answer({ state: 'before_open', position: null, ahead: null, estimated_wait_seconds: null }))
    expect(wrapper.get('[data-testid="queue-position"]').text()).toBe('drawn at the opening')
    expect(wrapper.get('[data-testid="queue-opens"]').text()).toContain('Opens at')
    expect(wrapper.get('[data-testid="queue-opens"]').text()).toContain('WIB')
    wrapper.unmount()
  })

  it('says why a buyer whose pass ran out is back in line, in both languages', async () => {
    const expired = answer({ state: 'admitted', position: 7, ahead: 0, estimated_wait_seconds: 0 })
    for (const [language, words] of [['id', 'Giliran Anda untuk membeli sudah habis'], ['en', 'Your turn to buy ran out']]) {
      useI18n().locale.value = language as 'id' | 'en'
      const wrapper = await mount(answer({ position: 1500, ahead: 1499 }), expired)
      expect(wrapper.get('[data-testid="queue"]').attributes('data-rejoined')).toBe('true')
      expect(wrapper.get('[data-testid="queue-rejoined"]').text()).toContain(words)
      expect(wrapper.get('[data-testid="queue-position"]').attributes('data-value')).toBe('1500')
      wrapper.unmount()
    }
  })

  it('says nothing of the kind to someone who simply joins', async () => {
    const wrapper = await mount(answer({}))
    expect(wrapper.get('[data-testid="queue"]').attributes('data-rejoined')).toBeUndefined()
    expect(wrapper.find('[data-testid="queue-rejoined"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="queue-headline"]').text()).toContain('Anda sedang dalam antrean')
    wrapper.unmount()
  })

  it('tells everyone waiting that it is sold out and offers the waiting list', async () => {
    const wrapper = await mount(answer({ state: 'sold_out', position: null, ahead: null }))
    expect(wrapper.get('[data-testid="queue-headline"]').text()).toContain('Habis terjual')
    expect(wrapper.find('[data-testid="queue-position"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="queue-waitlist"]').attributes('href')).toBe('/app/events/konser')
    wrapper.unmount()
  })
})
