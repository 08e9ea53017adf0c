// A small i18n: Bahasa Indonesia by default, English on request. The choice
// follows the site's language cookie (django_language) so both speak alike.
import id from '~/locales/id'
import en from '~/locales/en'
import { formatInZone } from '~/utils/eventTime'

export type Locale = 'id' | 'en'
type Messages = { [key: string]: string | Messages }

export const MESSAGES: Record<Locale, Messages> = { id, en }
export const LOCALES: Locale[] = ['id', 'en']
const COOKIE = 'django_language'

function lookup(messages: Messages, key: string): string | undefined {
  let node: string | Messages | undefined = messages
  for (const part of key.split('.')) {
    if (!node || typeof node === 'string') return undefined
    node = node[part]
  }
  return typeof node === 'string' ? node : undefined
}

/** Return the message for key in locale (falling back to Indonesian, then the key), with {name} filled in. */
export function translate(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  const text = lookup(MESSAGES[locale], key) ?? lookup(MESSAGES.id, key) ?? key
  return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match))
}

/** Return the language to start with: the cookie, else the browser's first language, else Indonesian. */
export function initialLocale(cookie: string, languages: readonly string[]): Locale {
  const chosen = /(?:^|;\s*)django_language=([a-z-]+)/i.exec(cookie)?.[1]?.slice(0, 2)
  if (chosen === 'en' || chosen === 'id') return chosen
  const first = (languages[0] || '').slice(0, 2).toLowerCase()
  return first === 'en' ? 'en' : 'id'
}

export function useI18n() {
  const locale = useState<Locale>('locale', () =>
    typeof document === 'undefined' ? 'id' : initialLocale(document.cookie, navigator.languages || []))

  function t(key: string, params?: Record<string, string | number>): string {
    return translate(locale.value, key, params)
  }

  function setLocale(next: Locale) {
    locale.value = next
    document.cookie = `${COOKIE}=${next}; path=/; max-age=31536000; SameSite=Lax`
    document.documentElement.lang = next
  }

  function formatMoney(value: string | number): string {
    const amount = typeof value === 'string' ? Number(value) : value
    return new Intl.NumberFormat(locale.value === 'id' ? 'id-ID' : 'en-ID', {
      style: 'currency', currency: 'IDR', maximumFractionDigits: 0,
    }).format(amount)
  }

  function formatDate(value: string | null | undefined, withTime = true): string {
    if (!value) return ''
    const options: Intl.DateTimeFormatOptions = withTime
      ? { dateStyle: 'medium', timeStyle: 'short' }
      : { dateStyle: 'long' }
    return new Intl.DateTimeFormat(locale.value === 'id' ? 'id-ID' : 'en-GB', options).format(new Date(value))
  }

  function formatTime(value: string | null | undefined): string {
    if (!value) return ''
    return new Intl.DateTimeFormat(locale.value === 'id' ? 'id-ID' : 'en-GB', { timeStyle: 'medium' }).format(new Date(value))
  }

  /** Format a moment of an event on the event's own clock, with its label (WIB, WITA, WIT). */
  function formatEventDate(value: string | null | undefined, zone: string | null | undefined, withTime = true): string {
    return formatInZone(value, zone, locale.value, withTime)
  }

  return { locale, t, setLocale, formatMoney, formatDate, formatTime, formatEventDate }
}
