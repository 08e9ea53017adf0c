// The checkout's attendee step: one name and email per ticket (the buyer's first),
// the order placed with them, and the server's field errors shown on the right ticket.
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import AttendeesForm from '~/components/orders/AttendeesForm.vue'
import { serveApi } from './api'

const VIP = '11111111-1111-4111-8111-111111111111'
const REG = '22222222-2222-4222-8222-222222222222'
const QUOTE = {
  event: 'e1', voucher: 'HEMAT10', subtotal: '800000', discount: '80000', total: '720000',
  lines: [
    { ticket: VIP, ticket_name: 'VIP', quantity: 1, unit_price: '500000', amount: '500000', discount: '50000' },
    { ticket: REG, ticket_name: 'Reguler', quantity: 2, unit_price: '150000', amount: '300000', discount: '30000' },
  ],
}

describe('the checkout attendees', () => {
  beforeEach(() => {
    const auth = useAuthStore()
    auth.setUser({ id: 'u1', email: 'ani@example.com', full_name: 'Ani Peserta', role: 'user', is_active: true } as never)
    auth.setAccess('token')
  })

  async function form(order: (body: unknown) => { status: number, body?: unknown }) {
    const seen = serveApi({
      'GET events/konser/': () => ({ status: 200, body: { id: 'e1', slug: 'konser', title: 'Konser', tickets: [] } }),
      'POST orders/quote/': () => ({ status: 200, body: QUOTE }),
      'POST orders/': request => order(request.body),
    })
    const wrapper = await mountSuspended(AttendeesForm, {
      props: { slug: 'konser', items: [{ ticket: VIP, quantity: 1 }, { ticket: REG, quantity: 2 }], voucher: 'hemat10' },
    })
    await flushPromises()
    return { wrapper, seen }
  }

  it('prefills the buyer for the first ticket and places the order with every attendee and the code', async () => {
    const { wrapper, seen } = await form(() => ({ status: 201, body: { id: 'o1', status: 'pending', registrations: [] } }))
    expect(wrapper.find('[data-testid="quote-total"]').attributes('data-amount')).toBe('720000')
    const names = wrapper.findAll('[data-testid="attendee-name"]')
    const emails = wrapper.findAll('[data-testid="attendee-email"]')
    expect(names).toHaveLength(3)
    expect((names[0]!.element as HTMLInputElement).value).toBe('Ani Peserta')
    expect((emails[0]!.element as HTMLInputElement).value).toBe('ani@example.com')
    await names[1]!.setValue('Budi')
    await emails[1]!.setValue('budi@example.com')
    await names[2]!.setValue('Citra')
    await wrapper.find('[data-testid="attendees-form"]').trigger('submit')
    await flushPromises()
    expect(seen.find(s => s.path === 'orders/')?.body).toEqual({
      event: 'e1', voucher: 'hemat10',
      items: [{ ticket: VIP, quantity: 1 }, { ticket: REG, quantity: 2 }],
      attendees: [
        { name: 'Ani Peserta', email: 'ani@example.com' }, { name: 'Budi', email: 'budi@example.com' }, { name: 'Citra', email: '' },
      ],
    })
    expect(wrapper.emitted('placed')?.[0]?.[0]).toMatchObject({ id: 'o1' })
  })

  it('shows a malformed email on its own ticket and a sold-out refusal by its code', async () => {
    let answer: { status: number, body?: unknown } = {
      status: 400, body: { code: 'invalid', detail: 'Invalid input.', fields: { attendees: [{}, { email: ['Enter a valid email address.'] }, {}] } },
    }
    const { wrapper } = await form(() => answer)
    await wrapper.findAll('[data-testid="attendee-email"]')[1]!.setValue('budi@')
    await wrapper.find('[data-testid="attendees-form"]').trigger('submit')
    await flushPromises()
    const second = wrapper.findAll('[data-testid="attendee"]')[1]!
    expect(second.find('.field-error').text()).toBe('Enter a valid email address.')
    expect(wrapper.findAll('[data-testid="attendee"]')[0]!.find('.field-error').exists()).toBe(false)

    answer = { status: 409, body: { code: 'sold_out', detail: 'Not enough seats of VIP are left.', ticket: VIP } }
    await wrapper.find('[data-testid="attendees-form"]').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-testid="order-error"]').attributes('data-code')).toBe('sold_out')
    expect(wrapper.find('[data-testid="order-error"]').text()).toContain('VIP')
    expect(wrapper.find('.field-error').exists()).toBe(false)
  })
})
