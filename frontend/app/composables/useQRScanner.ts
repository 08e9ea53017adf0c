// The rear camera feeding qr-scanner (decoding in a worker), with a cooldown
// so one code held in front of the camera is reported once.
import type QrScannerType from 'qr-scanner'
import { ScanCooldown } from '~/utils/cooldown'

export type CameraState = 'idle' | 'starting' | 'running' | 'denied' | 'unavailable'

/**
 * Look at most of the picture: a ticket held close to the camera fills it
 * (qr-scanner's default looks at the middle two thirds only).
 */
export function scanRegion(video: { videoWidth: number, videoHeight: number }) {
  const size = Math.round(Math.min(video.videoWidth, video.videoHeight) * 0.9)
  const scaled = Math.min(size, 480)
  return {
    x: Math.round((video.videoWidth - size) / 2),
    y: Math.round((video.videoHeight - size) / 2),
    width: size,
    height: size,
    downScaledWidth: scaled,
    downScaledHeight: scaled,
  }
}

export interface ScannerOptions {
  cooldownMs?: number
  /** False while a verdict is pending: codes seen meanwhile are dropped. */
  canAccept?: () => boolean
}

export function useQRScanner(onCode: (code: string) => void, { cooldownMs = 3000, canAccept = () => true }: ScannerOptions = {}) {
  const state = ref<CameraState>('idle')
  const error = ref('')
  const cooldown = new ScanCooldown(cooldownMs)
  let scanner: QrScannerType | null = null
  let video: HTMLVideoElement | null = null

  function decoded(code: string) {
    // Codes seen while a verdict is pending are dropped without touching the cooldown.
    if (!code || !canAccept()) return
    if (cooldown.accept(code)) onCode(code)
  }

  async function start(element: HTMLVideoElement): Promise<void> {
    video = element
    state.value = 'starting'
    error.value = ''
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw Object.assign(new Error('No camera API'), { name: 'NotFoundError' })
      // The rear camera without `exact`: an exact constraint fails on devices that cannot tell.
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      if (!scanner) {
        const { default: QrScanner } = await import('qr-scanner')
        scanner = new QrScanner(element, result => decoded(result.data), {
          returnDetailedScanResult: true,
          maxScansPerSecond: 15,
          preferredCamera: 'environment',
          calculateScanRegion: scanRegion,
        })
      }
      element.srcObject = stream
      await scanner.start()
      state.value = 'running'
    }
    catch (caught) {
      const name = caught instanceof Error ? caught.name : ''
      state.value = name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable'
      error.value = caught instanceof Error ? caught.message : String(caught)
    }
  }

  async function stop(): Promise<void> {
    // pause(true) stops the tracks at once; a plain stop() waits 300 ms and a quick restart is swallowed.
    if (scanner) await scanner.pause(true)
    else if (video?.srcObject instanceof MediaStream) {
      for (const track of video.srcObject.getTracks()) track.stop()
      video.srcObject = null
    }
    state.value = 'idle'
  }

  /** Stop and start the camera; codes seen before count as new. */
  async function restart(): Promise<void> {
    if (!video) return
    await stop()
    cooldown.reset()
    await start(video)
  }

  function destroy() {
    scanner?.destroy()
    scanner = null
    if (video?.srcObject instanceof MediaStream) for (const track of video.srcObject.getTracks()) track.stop()
    state.value = 'idle'
  }

  return { state, error, start, stop, restart, destroy, cooldown, decoded }
}
