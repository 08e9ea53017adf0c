// Staff manage an event's promo codes: the list with its use counts, a new code, switching one off.
import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import VoucherManager from '~/components/admin/VoucherManager.vue'
import { serveApi } from './api'

const VIP = '11111111-1111-4111-8111-111111111111'

function voucher(fields: Record<string, unknown>) {
  return { id: 'v1', code: 'HEMAT10', kind: 'percent', value: '10', tickets: [], valid_from: null, valid_until: null, max_uses: 5, used: 2, uses_left: 3, is_active: true, created_at: '2031-01-01T00:00:00Z', ...fields }
}

describe('the promo codes of an event', () => {
  it('lists uses, creates a code for one ticket type and switches one off', async () => {
    let list = [voucher({})]
    const seen = serveApi({
      'GET events/konser/vouchers/': () => ({ status: 200, body: { count: list.length, next: null, previous: null, results: list } }),
      'GET events/konser/tickets/': () => ({ status: 200, body: { count: 1, next: null, previous: null, results: [{ id: VIP, name: 'VIP', price: '500000' }] } }),
      'POST events/konser/vouchers/': (request) => {
        const body = request.body as Record<string, unknown>
        if (body.code === 'HEMAT10') return { status: 400, body: { code: 'invalid', detail: 'This event already has this code.', fields: { code: ['This event already has this code.'] } } }
        list = [...list, voucher({ id: 'v2', ...body, used: 0 })]
        return { status: 201, body: list.at(-1) }
      },
      'PATCH events/konser/vouchers/v1/': (request) => {
        list = [voucher({ ...(request.body as object) }), ...list.slice(1)]
        return { status: 200, body: list[0] }
      },
    })
    const wrapper = await mountSuspended(VoucherManager, { props: { slug: 'konser', zone: 'Asia/Jakarta' } })
    await flushPromises()
    expect(wrapper.find('[data-testid="voucher-used"]').text()).toContain('2')
    expect(wrapper.find('[data-testid="voucher-used"]').text()).toContain('5')

    await wrapper.find('[data-testid="voucher-add"]').trigger('click')
    await wrapper.find('[data-testid="voucher-code"]').setValue('HEMAT10')
    await wrapper.find('[data-testid="voucher-form"]').trigger('submit')
    await flushPromises()
    expect(wrapper.find('.field-error').text()).toBe('This event already has this code.')

    await wrapper.find('[data-testid="voucher-code"]').setValue('VIPHEMAT')
    await wrapper.find('[data-testid="voucher-kind"]').setValue('fixed')
    await wrapper.find('[data-testid="voucher-value"]').setValue('50000')
    await wrapper.find('[data-testid="voucher-ticket"]').setValue(true)
    await wrapper.find('[data-testid="voucher-max-uses"]').setValue('')
    await wrapper.find('[data-testid="voucher-form"]').trigger('submit')
    await flushPromises()
    expect(seen.filter(s => s.method === 'POST').at(-1)?.body).toEqual({
      code: 'VIPHEMAT', kind: 'fixed', value: '50000', tickets: [VIP], valid_from: null, valid_until: null, max_uses: null, is_active: true,
    })
    expect(wrapper.findAll('[data-testid="voucher-row"]').map(r => r.attributes('data-code'))).toEqual(['HEMAT10', 'VIPHEMAT'])

    await wrapper.find('[data-testid="voucher-toggle"]').trigger('click')
    await flushPromises()
    expect(seen.find(s => s.method === 'PATCH')?.body).toEqual({ is_active: false })
    expect(wrapper.find('[data-testid="voucher-toggle"]').text()).toBe(useI18n().t('voucher.activate'))
  })
})
