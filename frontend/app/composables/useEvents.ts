// Events, ticket types and registrations as the API serves them.
import type { Event as EventItem, Stats as EventStats, PaginatedEventList, PaginatedRegistrationList, PaginatedTicketList, Registration, Report as EventReport, Ticket as TicketType } from '~/types/api'

export function useEvents() {
  const api = useApi()
  return {
    list: (query: Record<string, string | number | undefined> = {}) => api.get<PaginatedEventList>('events/', query),
    get: (slug: string) => api.get<EventItem>(`events/${slug}/`),
    create: (fields: Partial<EventItem>) => api.post<EventItem>('events/', fields),
    update: (slug: string, fields: Partial<EventItem>) => api.patch<EventItem>(`events/${slug}/`, fields),
    remove: (slug: string) => api.del(`events/${slug}/`),
    /** Upload a new cover image (checked, cropped and resized by the server). */
    setCover: (slug: string, file: Blob) => {
      const body = new FormData()
      body.append('file', file)
      return api.request<EventItem>(`events/${slug}/cover/`, { method: 'PUT', body })
    },
    tickets: (slug: string) => api.get<PaginatedTicketList>(`events/${slug}/tickets/`),
    createTicket: (slug: string, fields: Partial<TicketType>) => api.post<TicketType>(`events/${slug}/tickets/`, fields),
    updateTicket: (slug: string, id: string, fields: Partial<TicketType>) => api.patch<TicketType>(`events/${slug}/tickets/${id}/`, fields),
    removeTicket: (slug: string, id: string) => api.del(`events/${slug}/tickets/${id}/`),
    stats: (slug: string) => api.get<EventStats>(`events/${slug}/stats/`),
    report: (slug: string) => api.get<EventReport>(`events/${slug}/report/`),
    /** A report chart as SVG text, drawn by the server (no chart library in the app). */
    reportChart: async (slug: string, chart: 'sales' | 'checkins') => await (await api.blob(`events/${slug}/report/${chart}.svg`)).text(),
    exportFile: (slug: string, kind: 'attendees' | 'payments', format: 'csv' | 'xlsx') => api.blob(`events/${slug}/exports/${kind}.${format}`),
    ticketPdf: (registration: Registration) => api.blob(registration.ticket_pdf_url || `registrations/${registration.id}/ticket.pdf`),
    register: (ticket: string) => api.post<Registration>('registrations/', { ticket }),
    registrations: (query: Record<string, string | number | undefined> = {}) => api.get<PaginatedRegistrationList>('registrations/', query),
    registration: (id: string) => api.get<Registration>(`registrations/${id}/`),
    cancel: (id: string) => api.post<Registration>(`registrations/${id}/cancel/`),
  }
}
