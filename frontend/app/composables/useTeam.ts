// An event's team (issue 11): admins add managers and door staff, an event's managers add door staff.
import type { PaginatedTeamMemberList, TeamMember } from '~/types/api'

export type TeamRole = 'manager' | 'door'

export function useTeam() {
  const api = useApi()
  return {
    list: (slug: string) => api.get<PaginatedTeamMemberList>(`events/${slug}/team/`, { page_size: 100 }),
    add: (slug: string, email: string, role: TeamRole) => api.post<TeamMember>(`events/${slug}/team/`, { email, role }),
    remove: (slug: string, user: string) => api.request<null>(`events/${slug}/team/`, { method: 'DELETE', body: { user } }),
  }
}
