// Staff edit an event: the per-order ticket limit is one of its fields, sent as a number, its errors on it.
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import EventForm from '~/components/admin/EventForm.vue'
import { serveApi } from './api'

const EVENT = {
  id: 'e1', slug: 'konser', title: 'Konser Senja', description: '', event_date: '2031-05-01T12:00:00Z',
  timezone: 'Asia/Jakarta', location: 'Jakarta', city: 'Jakarta', map_url: '', organizer: '', is_active: true,
  max_tickets_per_order: 6, tickets: [],
}

/** Mount the form for `event`, check the limit it shows, enter `value` and save. */
async function saveLimit(event: typeof EVENT | null, shown: string, value: string) {
  const wrapper = await mountSuspended(EventForm, { props: { event: event as never } })
  const limit = wrapper.get('[data-testid="event-max-per-order"]')
  expect((limit.element as HTMLInputElement).value).toBe(shown)
  await limit.setValue(value)
  await wrapper.get('[data-testid="event-form"]').trigger('submit')
  await flushPromises()
  return wrapper
}

beforeEach(() => {
  useI18n().locale.value = 'en'
  useAuthStore().setAccess('access-1')
})

describe('the event form', () => {
  it('shows the tickets-per-order limit and saves it as a number', async () => {
    const seen = serveApi({
      'PATCH events/konser/': request => ({ status: 200, body: { ...EVENT, ...(request.body as object) } }),
    })
    const wrapper = await saveLimit(EVENT, '6', '2')

    expect(wrapper.text()).toContain('Tickets per order')
    expect((seen[0]?.body as Record<string, unknown>).max_tickets_per_order).toBe(2)
    expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ max_tickets_per_order: 2 })
  })

  it('starts a new event at the API\'s default and shows a refusal on the field, in Indonesian', async () => {
    useI18n().locale.value = 'id'
    const seen = serveApi({
      'POST events/': () => ({ status: 400, body: {
        code: 'invalid', detail: 'Periksa isian.', fields: { max_tickets_per_order: ['Pastikan nilai ini lebih besar dari atau sama dengan 1.'] },
      } }),
    })
    const wrapper = await saveLimit(null, '10', '0')

    expect(wrapper.text()).toContain('Tiket per pesanan')
    expect((seen[0]?.body as Record<string, unknown>).max_tickets_per_order).toBe(0)
    expect(wrapper.find('.field-error').text()).toContain('lebih besar dari atau sama dengan 1')
  })
})
