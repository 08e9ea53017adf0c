// Door staff see how far the door has come: paid tickets checked in, per ticket type, kept current.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import DoorStats from '~/components/checkin/DoorStats.vue'
import { serveApi } from './api'

function stats(checkedIn: number) {
  return {
    event: 'e1', registered: 130, pending: 10, paid: 120, cancelled: 0, checked_in: checkedIn,
    tickets: [
      { id: 't1', name: 'VIP', quota: 20, sold: 20, paid: 20, checked_in: Math.min(checkedIn, 20) },
      { id: 't2', name: 'Reguler', quota: 100, sold: 110, paid: 100, checked_in: Math.max(0, checkedIn - 20) },
    ],
    admissions_per_minute: [],
  }
}

beforeEach(() => {
  useAuthStore().setAccess('access-1')
})
afterEach(() => {
  vi.useRealTimers()
})

describe('the door stats', () => {
  it('shows the paid tickets checked in, per ticket type, in Indonesian', async () => {
    useI18n().locale.value = 'id'
    serveApi({ 'GET events/konser/stats/': () => ({ status: 200, body: stats(45) }) })
    const wrapper = await mountSuspended(DoorStats, { props: { slug: 'konser' } })
    await flushPromises()

    const line = wrapper.get('[data-testid="door-checked-in"]')
    expect(line.text()).toBe('45 dari 120 tiket lunas sudah masuk')
    expect(line.attributes('data-checked-in')).toBe('45')
    expect(wrapper.findAll('[data-testid="door-ticket"]').map(r => r.text())).toEqual(['VIP2020', 'Reguler25100'])
    wrapper.unmount()
  })

  it('follows the door every 5 s and keeps the last figures while the server cannot be reached, in English', async () => {
    useI18n().locale.value = 'en'
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const answers: Array<number | null> = [7, 9, null]
    const seen = serveApi({
      'GET events/konser/stats/': () => {
        const checkedIn = answers.shift()
        if (checkedIn === null || checkedIn === undefined) throw new TypeError('Failed to fetch')
        return { status: 200, body: stats(checkedIn) }
      },
    })
    const wrapper = await mountSuspended(DoorStats, { props: { slug: 'konser' } })
    await flushPromises()
    expect(wrapper.get('[data-testid="door-checked-in"]').attributes('data-checked-in')).toBe('7')
    for (let tick = 0; tick < 2; tick++) {
      vi.advanceTimersByTime(5_000)
      await flushPromises()
    }

    expect(seen).toHaveLength(3)
    expect(wrapper.get('[data-testid="door-checked-in"]').text()).toBe('9 of 120 paid tickets checked in')
    expect(wrapper.get('[data-testid="door-stats-updated"]').text()).toContain('Updated')
    wrapper.unmount()
  })

  it('shows nothing until the figures are there (a scanner without access sees no card)', async () => {
    serveApi({ 'GET events/konser/stats/': () => ({ status: 404, body: { code: 'not_found', detail: 'Not found.' } }) })
    const wrapper = await mountSuspended(DoorStats, { props: { slug: 'konser' } })
    await flushPromises()
    expect(wrapper.find('[data-testid="door-stats"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
