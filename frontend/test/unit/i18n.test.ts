import { describe, expect, it } from 'vitest'
import { initialLocale, MESSAGES, translate } from '~/composables/useI18n'

function keys(node: object, prefix = ''): string[] {
  return Object.entries(node).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)))
}

describe('i18n', () => {
  it('speaks Indonesian by default and English when asked', () => {
    expect(translate('id', 'scan.result.ok')).toBe('SILAKAN MASUK')
    expect(translate('en', 'scan.result.ok')).toBe('ADMIT')
    expect(translate('en', 'scan.queued', { count: 3 })).toBe('3 queued')
  })

  it('has every message in both languages', () => {
    expect(keys(MESSAGES.en).sort()).toEqual(keys(MESSAGES.id).sort())
  })

  it('starts from the site cookie, else the browser, else Indonesian', () => {
    expect(initialLocale('csrftoken=x; django_language=en', ['id-ID'])).toBe('en')
    expect(initialLocale('', ['en-US', 'id'])).toBe('en')
    expect(initialLocale('', ['fr-FR'])).toBe('id')
    expect(initialLocale('django_language=id', ['en-US'])).toBe('id')
  })
})
