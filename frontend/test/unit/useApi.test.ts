import { beforeEach, describe, expect, it } from 'vitest'
import { useRouter } from '#imports'
import { ApiError, NetworkError } from '~/utils/errors'
import { serveApi } from './api'

const ME = { id: 'u1', email: 'ani@example.com', full_name: 'Ani', role: 'user', is_active: true }

beforeEach(() => {
  useAuthStore().clear()
})

describe('useApi', () => {
  it('sends the access token it holds in memory', async () => {
    const seen = serveApi({ 'GET registrations/': () => ({ status: 200, body: { count: 0, next: null, previous: null, results: [] } }) })
    useAuthStore().setAccess('access-1')
    await useApi().get('registrations/', { page: 2, search: '' })
    expect(seen[0]).toMatchObject({ path: 'registrations/?page=2', authorization: 'Bearer access-1' })
  })

  it('refreshes once through the cookie on a 401 and retries with the new token', async () => {
    const seen = serveApi({
      'GET auth/me/': ({ authorization }) => authorization === 'Bearer fresh'
        ? { status: 200, body: ME }
        : { status: 401, body: { code: 'token_not_valid', detail: 'Expired.' } },
      'POST auth/refresh/': () => ({ status: 200, body: { access: 'fresh' } }),
    })
    const auth = useAuthStore()
    auth.setAccess('stale')
    const api = useApi()
    const answers = await Promise.all([api.get('auth/me/'), api.get('auth/me/'), api.get('auth/me/')])
    expect(answers.every(a => (a as typeof ME).email === ME.email)).toBe(true)
    const refreshes = seen.filter(s => s.path === 'auth/refresh/')
    expect(refreshes).toHaveLength(1)
    // The refresh token travels only as the httpOnly cookie: nothing in the body or headers.
    expect(refreshes[0]).toMatchObject({ authorization: null, body: {} })
    expect(auth.access).toBe('fresh')
  })

  it('sends the user to login when the session cannot be refreshed', async () => {
    serveApi({
      'GET registrations/': () => ({ status: 401, body: { code: 'not_authenticated', detail: 'Log in.' } }),
      'POST auth/refresh/': () => ({ status: 401, body: { code: 'token_not_valid', detail: 'No token.' } }),
    })
    const auth = useAuthStore()
    auth.setAccess('stale')
    auth.setUser(ME as never)
    await expect(useApi().get('registrations/')).rejects.toMatchObject({ status: 401 })
    expect(auth.user).toBeNull()
    expect(auth.access).toBeNull()
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(useRouter().currentRoute.value.path).toBe('/auth/login')
  })

  it('throws the API error with its stable code and field errors', async () => {
    serveApi({
      'POST events/': () => ({ status: 400, body: { code: 'invalid', detail: 'Title is required.', fields: { title: ['This field is required.'] } } }),
    })
    const error = await useApi().post('events/', {}).catch(e => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 400, code: 'invalid', fields: { title: ['This field is required.'] } })
  })

  it('answers accepted statuses with their data (scan verdicts)', async () => {
    serveApi({ 'POST checkins/scan/': () => ({ status: 409, body: { result: 'already_checked_in', detail: 'Already.' } }) })
    const answer = await useApi().raw('checkins/scan/', { method: 'POST', body: {}, accept: [400, 404, 409] })
    expect(answer).toEqual({ status: 409, data: { result: 'already_checked_in', detail: 'Already.' } })
  })

  it('gives up on a slow answer with a timeout', async () => {
    serveApi({ 'GET events/': () => new Promise(resolve => setTimeout(() => resolve({ status: 200, body: {} }), 300)) })
    const error = await useApi().get('events/', undefined, { timeout: 30 }).catch(e => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.timeout).toBe(true)
  })
})

describe('useAuth', () => {
  it('keeps the access token in memory only', async () => {
    serveApi({ 'POST auth/login/': () => ({ status: 200, body: { access: 'acc-123', refresh: 'ref-456', user: ME } }) })
    await useAuth().login('ani@example.com', 'secret')
    expect(useAuthStore().access).toBe('acc-123')
    const stored = JSON.stringify({ ...localStorage })
    expect(stored).not.toContain('acc-123')
    expect(stored).not.toContain('ref-456')
  })

  it('logs out on the server through the cookie and forgets the session', async () => {
    const seen = serveApi({
      'POST auth/login/': () => ({ status: 200, body: { access: 'acc', user: ME } }),
      'POST auth/logout/': () => ({ status: 204 }),
    })
    await useAuth().login('ani@example.com', 'secret')
    await useAuth().logout()
    expect(seen.at(-1)).toMatchObject({ method: 'POST', path: 'auth/logout/', body: {} })
    expect(useAuthStore().user).toBeNull()
    expect(localStorage.getItem('eventhub:user')).toBeNull()
  })

  it('restores a session from the refresh cookie', async () => {
    serveApi({
      'POST auth/refresh/': () => ({ status: 200, body: { access: 'again' } }),
      'GET auth/me/': () => ({ status: 200, body: { ...ME, role: 'admin' } }),
    })
    const auth = useAuthStore()
    auth.restored = false
    await useAuth().restore()
    expect(auth.isAdmin).toBe(true)
    expect(auth.access).toBe('again')
  })

  it('keeps the remembered profile when restoring offline', async () => {
    serveApi({})
    const auth = useAuthStore()
    auth.setUser({ ...ME, role: 'admin' } as never)
    auth.user = null
    auth.restored = false
    const { vi } = await import('vitest')
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')))
    await useAuth().restore()
    expect(auth.user?.email).toBe(ME.email)
    expect(auth.access).toBeNull()
  })
})
