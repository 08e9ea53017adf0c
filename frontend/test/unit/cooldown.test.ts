import { describe, expect, it } from 'vitest'
import { ScanCooldown } from '~/utils/cooldown'

describe('ScanCooldown', () => {
  it('accepts a code once while it stays in front of the camera', () => {
    const cooldown = new ScanCooldown(3000)
    expect(cooldown.accept('A', 0)).toBe(true)
    // Seen on every frame for ten seconds: never accepted again.
    for (let t = 100; t <= 10000; t += 100) expect(cooldown.accept('A', t)).toBe(false)
  })

  it('accepts a code again after it was out of sight for the cooldown', () => {
    const cooldown = new ScanCooldown(3000)
    cooldown.accept('A', 0)
    expect(cooldown.accept('A', 3001)).toBe(true)
  })

  it('accepts other codes at once, and everything after a reset', () => {
    const cooldown = new ScanCooldown(3000)
    cooldown.accept('A', 0)
    expect(cooldown.accept('B', 10)).toBe(true)
    cooldown.reset()
    expect(cooldown.accept('A', 20)).toBe(true)
  })
})
