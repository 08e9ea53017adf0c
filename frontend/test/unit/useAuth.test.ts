import { beforeEach, describe, expect, it } from 'vitest'
import { serveApi } from './api'

const USER = { id: 'u1', email: 'rina@example.com', full_name: 'Rina', role: 'user', is_active: true, created_at: '2030-01-01T10:00:00+07:00' }
const ROLES = [
  { event: 'e1', slug: 'konser', title: 'Konser', event_date: '2030-02-01T19:00:00+07:00', timezone: 'Asia/Jakarta', role: 'door' },
  { event: 'e2', slug: 'festival', title: 'Festival', event_date: '2030-03-01T19:00:00+07:00', timezone: 'Asia/Makassar', role: 'manager' },
]

beforeEach(() => {
  useAuthStore().clear()
})

describe('useAuth and the team roles', () => {
  it('asks auth/me/ for the event roles right after logging in (the login answer has none)', async () => {
    const seen = serveApi({
      'POST auth/login/': () => ({ status: 200, body: { access: 'a1', refresh: '', user: USER } }),
      'GET auth/me/': () => ({ status: 200, body: { ...USER, event_roles: ROLES } }),
    })
    await useAuth().login('rina@example.com', 'rahasia')
    const auth = useAuthStore()
    expect(seen.map(r => `${r.method} ${r.path}`)).toEqual(['POST auth/login/', 'GET auth/me/'])
    expect(auth.isAdmin).toBe(false)
    expect(auth.worksDoor).toBe(true)
    expect(auth.doorEvents.map(r => r.slug)).toEqual(['konser', 'festival'])
    expect(auth.managedEvents.map(r => r.slug)).toEqual(['festival'])
    expect(auth.manages('festival')).toBe(true)
    expect(auth.manages('konser')).toBe(false)
  })

  it('remembers the roles with the profile, so the scanner reopens offline', () => {
    const auth = useAuthStore()
    auth.setUser({ ...USER, event_roles: ROLES } as never)
    // A later answer without roles (a login) keeps them for the same account, not for another.
    auth.setUser(USER as never)
    expect(auth.doorEvents).toHaveLength(2)
    expect(auth.rememberedUser()?.event_roles).toHaveLength(2)
    auth.setUser({ ...USER, id: 'u2' } as never)
    expect(auth.worksDoor).toBe(false)
    expect(auth.managesEvents).toBe(false)
  })

  it('gives an account without roles no staff menus, and an admin all', () => {
    const auth = useAuthStore()
    auth.setUser({ ...USER, event_roles: [] } as never)
    expect([auth.worksDoor, auth.managesEvents]).toEqual([false, false])
    auth.setUser({ ...USER, role: 'admin', event_roles: [] } as never)
    expect([auth.worksDoor, auth.managesEvents, auth.manages('anything')]).toEqual([true, true, true])
  })
})
