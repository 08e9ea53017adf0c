// Staff: the accounts, their activation and roles.
import type { AdminUser, PaginatedUserList, PatchedAdminUserRequest } from '~/types/api'
import type { Query } from './useApi'

export function useUsers() {
  const api = useApi()
  return {
    list: (query: Query = {}) => api.get<PaginatedUserList>('users/', query),
    update: (id: string, fields: PatchedAdminUserRequest) => api.patch<AdminUser>(`users/${id}/`, fields),
  }
}
