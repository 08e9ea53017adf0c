import type { ResultEnum as ScanResult } from '~/types/api'

export type Tone = 'go' | 'stop' | 'warn'

/** Colour family and icon of each verdict: green admits, amber needs a look, red refuses. */
export const VERDICT_STYLE: Record<ScanResult, { tone: Tone, icon: string }> = {
  ok: { tone: 'go', icon: '✓' },
  already_checked_in: { tone: 'warn', icon: '!' },
  not_paid: { tone: 'warn', icon: '!' },
  invalid: { tone: 'stop', icon: '✕' },
  not_found: { tone: 'stop', icon: '✕' },
  wrong_event: { tone: 'stop', icon: '✕' },
  cancelled: { tone: 'stop', icon: '✕' },
  device_revoked: { tone: 'stop', icon: '✕' },
}

/** Vibrate and beep for a verdict where the device can: one short buzz admits, a long one refuses. */
export function signalVerdict(result: ScanResult): void {
  const tone = VERDICT_STYLE[result]?.tone ?? 'stop'
  try {
    navigator.vibrate?.(tone === 'go' ? 120 : [300, 100, 300])
  }
  catch { /* not allowed before a user gesture */ }
  try {
    const Context = window.AudioContext || (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext
    if (!Context) return
    const audio = new Context()
    const oscillator = audio.createOscillator()
    const gain = audio.createGain()
    oscillator.frequency.value = tone === 'go' ? 880 : tone === 'warn' ? 520 : 220
    gain.gain.value = 0.15
    oscillator.connect(gain).connect(audio.destination)
    oscillator.start()
    oscillator.stop(audio.currentTime + (tone === 'go' ? 0.15 : 0.45))
    oscillator.onended = () => void audio.close()
  }
  catch { /* no audio output */ }
}
