import type { Error as ApiErrorBody } from '~/types/api'

/** An answer from the API that is not a success: status, stable code, text and field errors. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly detail: string
  readonly fields: Record<string, string[]>
  readonly body: ApiErrorBody | null

  constructor(status: number, body: ApiErrorBody | null) {
    const detail = typeof body?.detail === 'string' ? body.detail : `HTTP ${status}`
    super(detail)
    this.name = 'ApiError'
    this.status = status
    this.body = body
    this.detail = detail
    this.code = typeof body?.code === 'string' ? body.code : `http_${status}`
    this.fields = normaliseFields(body?.fields)
  }
}

/** The API could not be reached, or did not answer in time. */
export class NetworkError extends Error {
  readonly timeout: boolean

  constructor(message: string, { timeout = false } = {}) {
    super(message)
    this.name = 'NetworkError'
    this.timeout = timeout
  }
}

function normaliseFields(fields: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  if (!fields || typeof fields !== 'object') return out
  for (const [name, value] of Object.entries(fields as Record<string, unknown>)) {
    if (Array.isArray(value)) out[name] = value.map(v => (typeof v === 'string' ? v : JSON.stringify(v)))
    else if (typeof value === 'string') out[name] = [value]
    else if (value && typeof value === 'object') out[name] = [Object.values(value).flat().join(' ')]
  }
  return out
}

/** Return a human message for any error thrown by useApi. */
export function errorMessage(error: unknown, fallback = ''): string {
  if (error instanceof ApiError) {
    const first = Object.values(error.fields)[0]?.[0]
    return error.detail && !error.detail.startsWith('HTTP ') ? error.detail : first || fallback || error.detail
  }
  if (error instanceof Error) return error.message || fallback
  return fallback
}
