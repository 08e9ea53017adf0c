import type { Registration } from '~/types/api'

/** Return the display names of a registration's event and ticket. */
export function registrationInfo(r: Registration): { eventTitle: string, eventSlug: string, ticketName: string } {
  return { eventTitle: r.event_title, eventSlug: r.event_slug, ticketName: r.ticket_name }
}
