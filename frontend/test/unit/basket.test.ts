// The basket between the event page and the checkout, and how a refused order's errors are read.
import { describe, expect, it } from 'vitest'
import { ApiError } from '~/utils/errors'
import { attendeeErrors, attendeeSlots, basketCount, basketFromQuery, basketItems, basketToQuery, orderLines, refusedTicket } from '~/utils/basket'

const A = '11111111-1111-4111-8111-111111111111'
const B = '22222222-2222-4222-8222-222222222222'

describe('the basket', () => {
  it('keeps only the types with tickets and travels in the address', () => {
    const items = basketItems({ [A]: 2, [B]: 0, x: -1 })
    expect(items).toEqual([{ ticket: A, quantity: 2 }])
    const both = basketItems({ [A]: 2, [B]: 1 })
    expect(basketCount(both)).toBe(3)
    expect(basketFromQuery(basketToQuery(both))).toEqual(both)
  })

  it('drops malformed parts of a basket in the address', () => {
    expect(basketFromQuery(`${A}:2,nonsense,${B}:0,${B}:x`)).toEqual([{ ticket: A, quantity: 2 }])
    expect(basketFromQuery(undefined)).toEqual([])
    expect(basketFromQuery(['a'])).toEqual([])
  })

  it('names the first ticket after the buyer and leaves the others to fill in, keeping what was typed', () => {
    const lines = [{ ticket: A, ticket_name: 'VIP', quantity: 1 }, { ticket: B, ticket_name: 'Reguler', quantity: 2 }]
    const buyer = { name: 'Ani', email: 'ani@example.com' }
    const slots = attendeeSlots(lines, buyer)
    expect(slots.map(s => [s.ticketName, s.name, s.email])).toEqual([
      ['VIP', 'Ani', 'ani@example.com'], ['Reguler', '', ''], ['Reguler', '', ''],
    ])
    const again = attendeeSlots(lines, buyer, [{ name: 'Ani', email: 'ani@example.com' }, { name: 'Budi', email: 'b@example.com' }])
    expect(again[1]).toMatchObject({ ticket: B, name: 'Budi', email: 'b@example.com' })
  })

  it('reads each attendee\'s field errors and the count mismatch from a refused order', () => {
    const perField = new ApiError(400, {
      code: 'invalid', detail: 'Invalid input.',
      fields: { attendees: [{}, { email: ['Enter a valid email address.'] }] },
    } as never)
    expect(attendeeErrors(perField)).toEqual({ perAttendee: { 1: { email: 'Enter a valid email address.' } }, general: '' })
    const keyed = new ApiError(400, { code: 'invalid', detail: 'x', fields: { attendees: { 2: { name: ['Too long.'] } } } } as never)
    expect(attendeeErrors(keyed).perAttendee).toEqual({ 2: { name: 'Too long.' } })
    const count = new ApiError(400, { code: 'invalid', detail: 'x', fields: { attendees: ['Name one attendee for each ticket (3).'] } } as never)
    expect(attendeeErrors(count).general).toBe('Name one attendee for each ticket (3).')
    expect(attendeeErrors(new Error('boom'))).toEqual({ perAttendee: {}, general: '' })
  })

  it('finds the ticket type a refusal names', () => {
    expect(refusedTicket(new ApiError(409, { code: 'limit_exceeded', detail: 'x', ticket: A } as never))).toBe(A)
    expect(refusedTicket(new ApiError(409, { code: 'sold_out', detail: 'x' } as never))).toBe('')
  })

  it('counts an order\'s tickets per type in the order they were made', () => {
    expect(orderLines([
      { ticket: B, ticket_name: 'Reguler' }, { ticket: A, ticket_name: 'VIP' }, { ticket: B, ticket_name: 'Reguler' },
    ])).toEqual([{ ticket: B, ticket_name: 'Reguler', quantity: 2 }, { ticket: A, ticket_name: 'VIP', quantity: 1 }])
  })
})
