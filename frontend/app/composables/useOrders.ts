// Orders of several tickets, their price with a promo code, promo codes and waiting lists, as the API serves them.
import type { Order, PaginatedOrderList, PaginatedVoucherList, PaginatedWaitlistEntryList, Quote, Voucher, VoucherRequest, WaitlistEntry } from '~/types/api'
import type { Attendee, BasketItem } from '~/utils/basket'

export interface OrderRequest {
  event: string
  items: BasketItem[]
  voucher?: string
  attendees?: Attendee[]
  waitlist_entry?: string
}

export function useOrders() {
  const api = useApi()
  return {
    /** Price a basket (the same rules as buying it): lines, discount and total. */
    quote: (event: string, items: BasketItem[], voucher = '') => api.post<Quote>('orders/quote/', { event, items, voucher }),
    /** Take every seat of the basket at once, or none: a pending order (paid at once when its total is 0). */
    place: (request: OrderRequest) => api.post<Order>('orders/', request),
    list: (query: Record<string, string | number | undefined> = {}) => api.get<PaginatedOrderList>('orders/', query),
    get: (id: string) => api.get<Order>(`orders/${id}/`),
    cancel: (id: string) => api.post<Order>(`orders/${id}/cancel/`),

    waitlist: (slug: string) => api.get<PaginatedWaitlistEntryList>(`events/${slug}/waitlist/`, { page_size: 100 }),
    joinWaitlist: (slug: string, ticket: string, quantity: number) => api.post<WaitlistEntry>(`events/${slug}/waitlist/`, { ticket, quantity }),
    leaveWaitlist: (slug: string, ticket: string) => api.del(`events/${slug}/waitlist/?ticket=${encodeURIComponent(ticket)}`),

    vouchers: (slug: string) => api.get<PaginatedVoucherList>(`events/${slug}/vouchers/`, { page_size: 100 }),
    createVoucher: (slug: string, fields: Partial<VoucherRequest>) => api.post<Voucher>(`events/${slug}/vouchers/`, fields),
    updateVoucher: (slug: string, id: string, fields: Partial<VoucherRequest>) => api.patch<Voucher>(`events/${slug}/vouchers/${id}/`, fields),
  }
}
