// The only HTTP client of the app: attaches the access token, refreshes it once
// on a 401 through the httpOnly refresh cookie, else sends the user to login.
// Buying calls carry the event's waiting-room pass; refused for want of one
// (403 `waiting_room`), they send the user to that event's queue.
import { ApiError, NetworkError } from '~/utils/errors'
import { slugFromRefusal } from '~/utils/waitingRoom'
import type { Error as ApiErrorBody } from '~/types/api'

export type Query = Record<string, string | number | boolean | null | undefined>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  body?: unknown
  query?: Query
  /** Abort and throw NetworkError({timeout: true}) after this many milliseconds. */
  timeout?: number
  /** Statuses answered with data instead of an ApiError (scan verdicts use 400/404/409). */
  accept?: number[]
  /** Send the user to the login page when the session cannot be refreshed (default true). */
  redirectOnAuthFailure?: boolean
  /** Login and sign-up: no token sent, and a 401 is the answer itself, not a cue to refresh. */
  anonymous?: boolean
  /** Upload progress (0..1): uses XMLHttpRequest, the one fetch cannot report. */
  onUploadProgress?: (fraction: number) => void
  responseType?: 'json' | 'blob'
  /** A buying call for this event (slug or id): send its waiting-room pass, if one is held. */
  waitingRoom?: string
}

export const PASS_HEADER = 'X-Waiting-Room-Pass'
// The calls the waiting room guards (CONTRACTS): they carry the newest pass held
// unless they name their event (`waitingRoom`); the server checks it is the right one.
const BUYING = /^(registrations|orders|payments\/start)\/$/

export function isBuyingCall(method: string, path: string): boolean {
  return method === 'POST' && BUYING.test(path.replace(/^\//, '').split('?')[0] ?? '')
}

export interface RawAnswer<T> {
  status: number
  data: T
}

interface Sent {
  status: number
  body: unknown
}

export function buildUrl(base: string, path: string, query?: Query): string {
  const url = /^https?:\/\//.test(path) || path.startsWith('/')
    ? path
    : `${base.replace(/\/$/, '')}/${path.replace(/^\//, '')}`
  if (!query) return url
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.append(key, String(value))
  }
  const text = params.toString()
  if (!text) return url
  return url + (url.includes('?') ? '&' : '?') + text
}

async function readBody(response: Response, responseType: 'json' | 'blob'): Promise<unknown> {
  if (response.status === 204) return null
  if (responseType === 'blob' && response.ok) return await response.blob()
  const text = await response.text()
  if (!text) return null
  try {
    return JSON.parse(text)
  }
  catch {
    return { detail: text.slice(0, 200) }
  }
}

function sendWithFetch(url: string, init: RequestInit, timeout: number | undefined, responseType: 'json' | 'blob'): Promise<Sent> {
  const controller = new AbortController()
  const timer = timeout ? setTimeout(() => controller.abort(), timeout) : undefined
  return fetch(url, { ...init, signal: controller.signal })
    .then(async response => ({ status: response.status, body: await readBody(response, responseType) }))
    .catch((error: unknown) => {
      if (controller.signal.aborted) throw new NetworkError('The server did not answer in time.', { timeout: true })
      throw new NetworkError(error instanceof Error ? error.message : 'Network error')
    })
    .finally(() => clearTimeout(timer))
}

function sendWithXhr(url: string, init: RequestInit, onProgress: (fraction: number) => void): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(init.method || 'GET', url)
    xhr.withCredentials = true
    for (const [name, value] of Object.entries(init.headers as Record<string, string>)) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total)
    }
    xhr.onload = () => {
      let body: unknown = null
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null
      }
      catch {
        body = { detail: xhr.responseText.slice(0, 200) }
      }
      resolve({ status: xhr.status, body })
    }
    xhr.onerror = () => reject(new NetworkError('Network error'))
    xhr.send(init.body as XMLHttpRequestBodyInit)
  })
}

export function useApi() {
  const auth = useAuthStore()
  const base = useRuntimeConfig().public.apiBase as string
  const { locale } = useI18n()
  const passes = useWaitingRoomStore()

  function headers(body: unknown, withToken: boolean, pass: string | null): Record<string, string> {
    const out: Record<string, string> = { 'Accept': 'application/json', 'Accept-Language': locale.value }
    if (body !== undefined && !(body instanceof FormData)) out['Content-Type'] = 'application/json'
    if (withToken && auth.access) out.Authorization = `Bearer ${auth.access}`
    if (pass) out[PASS_HEADER] = pass
    return out
  }

  function passFor(path: string, options: RequestOptions): string | null {
    if (options.waitingRoom) return passes.passFor(options.waitingRoom)
    return isBuyingCall(options.method || 'GET', path) ? passes.latest() : null
  }

  async function send(url: string, options: RequestOptions, pass: string | null = null): Promise<Sent> {
    const body = options.body
    const init: RequestInit = {
      method: options.method || 'GET',
      headers: headers(body, !options.anonymous, pass),
      credentials: 'same-origin',
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    }
    if (options.onUploadProgress) return sendWithXhr(url, init, options.onUploadProgress)
    return sendWithFetch(url, init, options.timeout, options.responseType || 'json')
  }

  /** Exchange the refresh cookie for a new access token; one request however many callers wait. */
  function refreshAccess(): Promise<boolean> {
    return auth.refreshOnce(async () => {
      const sent = await send(buildUrl(base, 'auth/refresh/'), { method: 'POST', body: {}, timeout: 10000, anonymous: true })
      const access = (sent.body as { access?: string } | null)?.access
      if (sent.status === 200 && access) {
        auth.setAccess(access)
        return true
      }
      return false
    })
  }

  async function raw<T>(path: string, options: RequestOptions = {}): Promise<RawAnswer<T>> {
    const url = buildUrl(base, path, options.query)
    if (!options.anonymous && !auth.access && auth.user) {
      // Known user without a token (after a reload): get one before asking.
      await refreshAccess().catch(() => false)
    }
    const pass = passFor(path, options)
    let sent = await send(url, options, pass)
    if (sent.status === 401 && !options.anonymous) {
      const refreshed = await refreshAccess()
      if (refreshed) sent = await send(url, options, pass)
      if (sent.status === 401) {
        auth.clear()
        if (options.redirectOnAuthFailure !== false) {
          const route = useRoute()
          await navigateTo({ path: '/auth/login', query: { next: route?.fullPath || '/' } })
        }
        throw new ApiError(401, sent.body as ApiErrorBody | null)
      }
    }
    const ok = sent.status >= 200 && sent.status < 300
    if (!ok && !(options.accept || []).includes(sent.status)) {
      const error = new ApiError(sent.status, sent.body as ApiErrorBody | null)
      if (error.status === 403 && error.code === 'waiting_room') await toQueue(sent.body, options.waitingRoom)
      throw error
    }
    return { status: sent.status, data: sent.body as T }
  }

  /** The buyer needs a (new) pass: forget a refused one and go to the event's queue. */
  async function toQueue(refusal: unknown, event?: string) {
    const slug = slugFromRefusal(refusal) || event || ''
    if (!slug) return
    passes.drop(slug)
    await navigateTo({ path: `/queue/${encodeURIComponent(slug)}` })
  }

  async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return (await raw<T>(path, options)).data
  }

  return {
    base,
    raw,
    request,
    refreshAccess,
    get: <T>(path: string, query?: Query, options: RequestOptions = {}) => request<T>(path, { ...options, query }),
    post: <T>(path: string, body?: unknown, options: RequestOptions = {}) => request<T>(path, { ...options, method: 'POST', body: body ?? {} }),
    patch: <T>(path: string, body: unknown, options: RequestOptions = {}) => request<T>(path, { ...options, method: 'PATCH', body }),
    del: (path: string, options: RequestOptions = {}) => request<null>(path, { ...options, method: 'DELETE' }),
    blob: (path: string) => request<Blob>(path, { responseType: 'blob' }),
  }
}
