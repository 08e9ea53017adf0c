import type { Registration } from '~/types/api'

/** Return the display names of a registration's event and ticket, whether the API nests them or not. */
export function registrationInfo(r: Registration): { eventTitle?: string, eventSlug?: string, ticketName?: string } {
  const event = typeof r.event === 'object' && r.event ? r.event : undefined
  const ticket = typeof r.ticket === 'object' && r.ticket ? r.ticket : undefined
  return {
    eventTitle: r.event_title || event?.title,
    eventSlug: r.event_slug || event?.slug,
    ticketName: r.ticket_name || ticket?.name,
  }
}
