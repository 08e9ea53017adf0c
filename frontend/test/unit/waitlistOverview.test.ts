// Staff see an event's waiting lists per ticket type: seats waited for, offers held, the line in order.
import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import WaitlistOverview from '~/components/admin/WaitlistOverview.vue'
import { serveApi } from './api'

function entry(id: string, ticket: string, status: string, quantity: number, position: number | null) {
  return { id, event: 'e1', ticket, ticket_name: ticket.toUpperCase(), quantity, status, position, offered_until: status === 'offered' ? '2031-01-01T10:00:00Z' : null, order: null, created_at: '2031-01-01T09:00:00Z', user_email: `${id}@example.com` }
}

describe('the waiting lists of an event', () => {
  it('counts waiting seats and held offers per type and leaves closed entries out', async () => {
    serveApi({
      'GET events/konser/waitlist/': () => ({
        status: 200,
        body: {
          count: 5, next: null, previous: null,
          results: [
            entry('a', 'vip', 'offered', 2, null), entry('b', 'vip', 'waiting', 1, 1), entry('c', 'vip', 'waiting', 3, 2),
            entry('d', 'vip', 'claimed', 1, null), entry('e', 'reguler', 'left', 1, null),
          ],
        },
      }),
    })
    const wrapper = await mountSuspended(WaitlistOverview, { props: { slug: 'konser', zone: 'Asia/Jakarta' } })
    await flushPromises()
    const groups = wrapper.findAll('[data-testid="waitlist-ticket"]')
    expect(groups.map(g => g.attributes('data-ticket'))).toEqual(['vip'])
    expect(groups[0]!.find('[data-testid="waitlist-waiting"]').attributes('data-count')).toBe('4')
    expect(groups[0]!.find('[data-testid="waitlist-held"]').attributes('data-count')).toBe('2')
    expect(groups[0]!.findAll('[data-testid="waitlist-entry"]').map(r => r.attributes('data-status'))).toEqual(['offered', 'waiting', 'waiting'])
  })
})
