/** Return an ISO time as the value of a datetime-local input, in the browser's time zone. */
export function toLocalInput(iso?: string | null): string {
  if (!iso) return ''
  const date = new Date(iso)
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16)
}

/** Return a datetime-local input's value as an ISO time with offset, or null when empty. */
export function fromLocalInput(value: string): string | null {
  return value ? new Date(value).toISOString() : null
}
