// Login, logout and session restore on top of useApi.
import type { LoginResponse, Me, User } from '~/types/api'
import { NetworkError } from '~/utils/errors'

const CHANNEL = 'eventhub-auth'

export function useAuth() {
  const auth = useAuthStore()
  const api = useApi()

  /** Restore the session from the refresh cookie once per page load. */
  async function restore(): Promise<void> {
    if (auth.restored) return
    try {
      if (await api.refreshAccess()) {
        auth.setUser(await api.request<Me>('auth/me/', { redirectOnAuthFailure: false }))
      }
      else {
        auth.clear()
      }
    }
    catch (error) {
      // Offline: keep the remembered profile so offline pages (the scanner) go on working.
      const remembered = auth.rememberedUser()
      if (error instanceof NetworkError && remembered) auth.user = remembered
      else if (!(error instanceof NetworkError)) auth.clear()
    }
    finally {
      auth.restored = true
    }
  }

  /** Log in; with two-factor login the same request again with `code` (401 `otp_required` asks for it). */
  async function login(email: string, password: string, code = ''): Promise<User> {
    const data = await api.request<LoginResponse>('auth/login/', {
      method: 'POST',
      body: code ? { email, password, code } : { email, password },
      anonymous: true,
    })
    auth.setAccess(data.access)
    auth.setUser(data.user)
    auth.restored = true
    await loadRoles()
    return data.user
  }

  /** Ask auth/me/ for the team roles a login answer lacks: they open the staff menus and the scanner. */
  async function loadRoles(): Promise<void> {
    try {
      auth.setUser(await api.request<Me>('auth/me/', { redirectOnAuthFailure: false }))
    }
    catch {
      // Offline or refused: the account stays signed in, with the roles known so far.
    }
  }

  async function register(fields: { email: string, password: string, full_name: string, phone?: string }): Promise<User> {
    await api.request<User>('auth/register/', { method: 'POST', body: fields, anonymous: true })
    return await login(fields.email, fields.password)
  }

  async function logout(): Promise<void> {
    try {
      await api.request('auth/logout/', { method: 'POST', body: {}, redirectOnAuthFailure: false })
    }
    catch {
      // Already signed out on the server, or offline: forget the session here all the same.
    }
    auth.clear()
    announce('logout')
    await clearScannerData()
  }

  function announce(message: string) {
    if (typeof BroadcastChannel === 'undefined') return
    const channel = new BroadcastChannel(CHANNEL)
    channel.postMessage(message)
    channel.close()
  }

  /** Sign this tab out when another tab signs out. */
  function listen() {
    if (typeof BroadcastChannel === 'undefined') return
    const channel = new BroadcastChannel(CHANNEL)
    channel.onmessage = async (event) => {
      if (event.data === 'logout' && auth.user) {
        auth.clear()
        await navigateTo('/auth/login')
      }
    }
  }

  return { restore, login, loadRoles, register, logout, listen }
}

async function clearScannerData() {
  const { openScannerDb, clearManifests } = await import('~/utils/scannerDb')
  const db = await openScannerDb()
  await clearManifests(db)
  db.close()
}
