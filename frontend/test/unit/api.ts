// A stand-in for the API's HTTP answers in composable unit tests: routes by
// method and path and records every request (the real API is exercised by the
// browser tests).
import { vi } from 'vitest'

export interface Seen {
  method: string
  path: string
  authorization: string | null
  headers: Headers
  body: unknown
}

type Handler = (seen: Seen) => { status: number, body?: unknown } | Promise<{ status: number, body?: unknown }>

export function serveApi(routes: Record<string, Handler>) {
  const seen: Seen[] = []
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://localhost:3000')
    const headers = new Headers(init.headers)
    const request: Seen = {
      method: init.method || 'GET',
      path: url.pathname.replace(/^\/api\/v1\//, '') + url.search,
      authorization: headers.get('Authorization'),
      headers,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
    }
    seen.push(request)
    const handler = routes[`${request.method} ${url.pathname.replace(/^\/api\/v1\//, '')}`]
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError')
    const answer = handler ? await handler(request) : { status: 404, body: { code: 'not_found', detail: 'Not found.' } }
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError')
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status, headers: { 'Content-Type': 'application/json' },
    })
  })
  return seen
}
