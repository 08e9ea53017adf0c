// Two-factor login for staff: the account's state, setting up an authenticator app, confirming it.
import type { Confirmed, Enrolment, TwoFactorStatus } from '~/types/api'

export function useTwoFactor() {
  const api = useApi()
  const auth = useAuthStore()
  return {
    status: () => api.get<TwoFactorStatus>('auth/two-factor/', undefined, { redirectOnAuthFailure: false }),
    enrol: () => api.post<Enrolment>('auth/two-factor/enrol/'),
    /** Confirm with the app's first code; the new tokens carry the second factor. Returns the recovery codes. */
    async confirm(code: string): Promise<string[]> {
      const answer = await api.post<Confirmed>('auth/two-factor/confirm/', { code })
      auth.setAccess(answer.access)
      return answer.recovery_codes
    },
  }
}
