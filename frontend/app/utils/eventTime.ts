// Event times are shown, and entered, on the event's own clock with its label (WIB, WITA, WIT),
// whatever zone the browser is in: a Bali event at 16.00 WITA reads 16.00 WITA in Jakarta too.

export const EVENT_ZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'] as const
export const DEFAULT_ZONE = 'Asia/Jakarta'
const LABELS: Record<string, string> = {
  'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT',
}

/** Return the Indonesian label of a time zone (WIB, WITA, WIT), or the zone's name for any other. */
export function zoneLabel(zone?: string | null): string {
  const name = zone || DEFAULT_ZONE
  return LABELS[name] ?? name
}

/** Return a moment in the event's zone, e.g. "1 Mei 2031 16.00 WITA" (id) or "1 May 2031, 16:00 WITA" (en). */
export function formatInZone(value: string | null | undefined, zone: string | null | undefined, locale: string,
  withTime = true): string {
  if (!value) return ''
  const timeZone = zone || DEFAULT_ZONE
  const options: Intl.DateTimeFormatOptions = withTime
    ? { dateStyle: 'medium', timeStyle: 'short', timeZone }
    : { dateStyle: 'long', timeZone }
  const text = new Intl.DateTimeFormat(locale === 'id' ? 'id-ID' : 'en-GB', options).format(new Date(value))
  return withTime ? `${text} ${zoneLabel(timeZone)}` : text
}

/** Return the offset of `zone` at `instant` in minutes east of UTC. */
function offsetMinutes(instant: Date, zone: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(instant).map(part => [part.type, part.value]))
  const wall = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!)
  return Math.round((wall - instant.getTime()) / 60000)
}

/** Return a datetime-local input's value for a moment, on the event's clock. */
export function toZoneInput(iso: string | null | undefined, zone: string | null | undefined): string {
  if (!iso) return ''
  const instant = new Date(iso)
  const shifted = new Date(instant.getTime() + offsetMinutes(instant, zone || DEFAULT_ZONE) * 60000)
  return shifted.toISOString().slice(0, 16)
}

/** Return a datetime-local input's value, read on the event's clock, as an ISO time with offset; null when empty. */
export function fromZoneInput(value: string, zone: string | null | undefined): string | null {
  if (!value) return null
  const asUtc = new Date(`${value}:00Z`)
  const offset = offsetMinutes(asUtc, zone || DEFAULT_ZONE)
  const sign = offset < 0 ? '-' : '+'
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0')
  return `${value}:00${sign}${hours}:${minutes}`
}
