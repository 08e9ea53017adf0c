// The audit log, read-only (issue 11): admins read every entry, managers their events'.
import type { PaginatedAuditEntryList } from '~/types/api'

export function useAudit() {
  const api = useApi()
  return {
    list: (query: { event?: string, action?: string, page?: number } = {}) =>
      api.get<PaginatedAuditEntryList>('audit/', { page_size: 50, ...query }),
  }
}
