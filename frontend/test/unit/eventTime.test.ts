import { describe, expect, it } from 'vitest'
import { formatInZone, fromZoneInput, toZoneInput, zoneLabel } from '~/utils/eventTime'

// 2031-05-01 08:00 UTC is 15.00 WIB, 16.00 WITA and 17.00 WIT.
const MOMENT = '2031-05-01T08:00:00Z'

describe('event times', () => {
  it('names the Indonesian zones', () => {
    expect(zoneLabel('Asia/Jakarta')).toBe('WIB')
    expect(zoneLabel('Asia/Makassar')).toBe('WITA')
    expect(zoneLabel('Asia/Jayapura')).toBe('WIT')
    expect(zoneLabel(undefined)).toBe('WIB')
  })

  it("shows a moment on the event's clock with its label, whatever the browser's zone", () => {
    expect(formatInZone(MOMENT, 'Asia/Makassar', 'id')).toMatch(/16\.00 WITA$/)
    expect(formatInZone(MOMENT, 'Asia/Jayapura', 'en')).toMatch(/17:00 WIT$/)
    expect(formatInZone(MOMENT, 'Asia/Jakarta', 'id')).toMatch(/15\.00 WIB$/)
    expect(formatInZone(null, 'Asia/Jakarta', 'id')).toBe('')
  })

  it("reads and fills the editor's date input on the event's clock", () => {
    expect(toZoneInput(MOMENT, 'Asia/Makassar')).toBe('2031-05-01T16:00')
    expect(fromZoneInput('2031-05-01T16:00', 'Asia/Makassar')).toBe('2031-05-01T16:00:00+08:00')
    expect(new Date(fromZoneInput('2031-05-01T17:00', 'Asia/Jayapura') as string).toISOString()).toBe('2031-05-01T08:00:00.000Z')
    expect(fromZoneInput('', 'Asia/Jakarta')).toBeNull()
  })
})
