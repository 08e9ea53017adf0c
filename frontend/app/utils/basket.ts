// A basket of tickets between the event page and the checkout: how many of each
// ticket type, in the address (so a reload or a shared link keeps it), and one
// attendee per ticket.
import { ApiError } from '~/utils/errors'

export interface BasketItem {
  ticket: string
  quantity: number
}

export interface Attendee {
  name: string
  email: string
}

/** One ticket of an order to be named: its type and who will use it. */
export interface AttendeeSlot extends Attendee {
  ticket: string
  ticketName: string
}

/** Return the lines with at least one ticket, in the order given. */
export function basketItems(quantities: Record<string, number>): BasketItem[] {
  return Object.entries(quantities)
    .map(([ticket, quantity]) => ({ ticket, quantity: Math.floor(Number(quantity) || 0) }))
    .filter(item => item.quantity > 0)
}

/** Return how many tickets a basket holds. */
export function basketCount(items: BasketItem[]): number {
  return items.reduce((sum, item) => sum + item.quantity, 0)
}

/** Write a basket as the `items` query value: `<ticket>:<quantity>,…`. */
export function basketToQuery(items: BasketItem[]): string {
  return items.map(item => `${item.ticket}:${item.quantity}`).join(',')
}

/** Read a basket from the `items` query value; malformed parts are dropped. */
export function basketFromQuery(value: unknown): BasketItem[] {
  if (typeof value !== 'string' || !value) return []
  return value.split(',').flatMap((part) => {
    const match = /^([0-9a-f-]{8,36}):(\d{1,3})$/i.exec(part.trim())
    return match && Number(match[2]) > 0 ? [{ ticket: match[1]!, quantity: Number(match[2]) }] : []
  })
}

/**
 * Return one slot per ticket, grouped by type as the order lists them; the
 * first is the buyer's, the others start empty (the server names a blank one
 * after the buyer too). Slots already filled in are kept by position.
 */
export function attendeeSlots(
  lines: { ticket: string, ticket_name: string, quantity: number }[],
  buyer: Attendee,
  previous: Attendee[] = [],
): AttendeeSlot[] {
  const slots: AttendeeSlot[] = []
  for (const line of lines) {
    for (let i = 0; i < line.quantity; i++) {
      const index = slots.length
      const kept = previous[index]
      const person = kept ?? (index === 0 ? buyer : { name: '', email: '' })
      slots.push({ ticket: line.ticket, ticketName: line.ticket_name, name: person.name, email: person.email })
    }
  }
  return slots
}

/**
 * Return the field errors of each attendee from a refused order: DRF lists
 * them per attendee (`[{}, {email: […]}]`) or keys them by position
 * (`{"1": {email: […]}}`); a message of the whole list (a wrong count) is `general`.
 */
export function attendeeErrors(error: unknown): { perAttendee: Record<number, Record<string, string>>, general: string } {
  const out: { perAttendee: Record<number, Record<string, string>>, general: string } = { perAttendee: {}, general: '' }
  if (!(error instanceof ApiError)) return out
  const raw = (error.body as { fields?: Record<string, unknown> } | null)?.fields?.attendees
  if (!raw || typeof raw !== 'object') return out
  const entries: [string, unknown][] = Array.isArray(raw) ? raw.map((entry, index) => [String(index), entry]) : Object.entries(raw)
  for (const [key, entry] of entries) {
    const index = Number(key)
    if (typeof entry === 'string' || !Number.isInteger(index)) {
      const text = Array.isArray(entry) ? entry.join(' ') : String(entry)
      out.general = out.general ? `${out.general} ${text}` : text
    }
    else if (entry && typeof entry === 'object') {
      const messages: Record<string, string> = {}
      for (const [field, value] of Object.entries(entry as Record<string, unknown>)) {
        messages[field] = Array.isArray(value) ? value.join(' ') : String(value)
      }
      if (Object.keys(messages).length) out.perAttendee[index] = messages
    }
  }
  return out
}

/** Return the ticket type a refusal names (`limit_exceeded`, `sold_out`), if any. */
export function refusedTicket(error: unknown): string {
  if (!(error instanceof ApiError)) return ''
  const ticket = (error.body as { ticket?: unknown } | null)?.ticket
  return typeof ticket === 'string' ? ticket : ''
}

/** Return an order's lines: how many tickets of each type, in the order its tickets were made. */
export function orderLines(registrations: { ticket: string, ticket_name: string }[]): { ticket: string, ticket_name: string, quantity: number }[] {
  const lines: { ticket: string, ticket_name: string, quantity: number }[] = []
  for (const registration of registrations) {
    const line = lines.find(l => l.ticket === registration.ticket)
    if (line) line.quantity += 1
    else lines.push({ ticket: registration.ticket, ticket_name: registration.ticket_name, quantity: 1 })
  }
  return lines
}
