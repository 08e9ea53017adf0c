// The event page sells what the server says is on sale (`on_sale`, from the one
// rule in events/services.py) and nothing else: no date arithmetic of its own.
import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import type { Event as EventItem, Ticket } from '~/types/api'
import EventPage from '~/pages/events/[slug].vue'
import { serveApi } from './api'

const HOUR = 3600_000
const iso = (offset: number) => new Date(Date.now() + offset).toISOString()

function ticket(id: string, fields: Partial<Ticket>): Ticket {
  return {
    id, event: 'e1', name: id, description: '', price: '150000', quota: 10, sold: 0, seats_left: 10,
    sales_start: null, sales_end: null, on_sale: true, sales_closed_reason: null,
    created_at: iso(-HOUR), updated_at: iso(-HOUR), ...fields,
  }
}

async function page(tickets: Ticket[], event: Partial<EventItem> = {}) {
  serveApi({
    'GET events/konser/': () => ({
      status: 200,
      body: { id: 'e1', slug: 'konser', title: 'Konser', description: '', event_date: iso(24 * HOUR), location: 'Jakarta', tickets, ...event },
    }),
  })
  const wrapper = await mountSuspended(EventPage, { route: '/events/konser' })
  await flushPromises()
  return wrapper
}

describe('the event page', () => {
  it('offers a quantity only for tickets the server says are on sale', async () => {
    const wrapper = await page([
      ticket('open', { sales_end: iso(HOUR) }),
      ticket('habis', { quota: 2, sold: 2, seats_left: 0, on_sale: false, sales_closed_reason: 'This ticket is sold out.' }),
      ticket('nanti', { sales_start: iso(HOUR), on_sale: false, sales_closed_reason: 'Sales for this ticket have not started yet.' }),
    ])
    const rows = wrapper.findAll('[data-testid="ticket-type"]')
    expect(rows).toHaveLength(3)
    expect(rows.map(row => row.find('[data-testid="quantity"]').exists())).toEqual([true, false, false])
    expect(rows.map(row => row.find('[data-testid="not-on-sale"]').exists())).toEqual([false, true, true])
    expect(rows[2]!.find('[data-testid="sales-closed-reason"]').text()).toBe('Sales for this ticket have not started yet.')
  })

  it('sells nothing of a past or inactive event even while the ticket window and seats look open', async () => {
    // Only the server knows the event is over or closed: the ticket's own dates say nothing of it.
    for (const [reason, event] of [
      ['This event has already taken place.', { event_date: iso(-HOUR) }],
      ['This event is not open for registration.', { is_active: false }],
    ] as const) {
      const wrapper = await page([ticket('reguler', { on_sale: false, sales_closed_reason: reason })], event)
      expect(wrapper.find('[data-testid="quantity"]').exists()).toBe(false)
      expect(wrapper.find('[data-testid="not-on-sale"]').exists()).toBe(true)
      expect(wrapper.find('[data-testid="sales-closed-reason"]').text()).toBe(reason)
      wrapper.unmount()
    }
  })
})
