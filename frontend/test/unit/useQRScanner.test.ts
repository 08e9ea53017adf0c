import { afterEach, describe, expect, it, vi } from 'vitest'
import { scanRegion } from '~/composables/useQRScanner'

function withCamera(getUserMedia: () => Promise<MediaStream>) {
  Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia: vi.fn(getUserMedia) }, configurable: true })
  return (navigator.mediaDevices.getUserMedia as ReturnType<typeof vi.fn>)
}

afterEach(() => {
  Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true })
})

describe('useQRScanner', () => {
  it('asks for the rear camera without exact constraints', async () => {
    const getUserMedia = withCamera(() => Promise.reject(Object.assign(new Error('denied'), { name: 'NotAllowedError' })))
    const camera = useQRScanner(() => {})
    await camera.start(document.createElement('video'))
    expect(getUserMedia).toHaveBeenCalledWith({ video: { facingMode: 'environment' }, audio: false })
    expect(camera.state.value).toBe('denied')
  })

  it('says when there is no camera at all', async () => {
    const camera = useQRScanner(() => {})
    await camera.start(document.createElement('video'))
    expect(camera.state.value).toBe('unavailable')
  })

  it('reports a code once while it stays in view, and none while a verdict is pending', () => {
    const codes: string[] = []
    let pending = false
    const camera = useQRScanner(code => codes.push(code), { canAccept: () => !pending })
    camera.decoded('EH1.a')
    camera.decoded('EH1.a')
    pending = true
    camera.decoded('EH1.b')
    pending = false
    camera.decoded('EH1.b')
    expect(codes).toEqual(['EH1.a', 'EH1.b'])
  })

  it('looks at most of the picture, scaled down for the decoder', () => {
    expect(scanRegion({ videoWidth: 640, videoHeight: 480 })).toEqual({
      x: 104, y: 24, width: 432, height: 432, downScaledWidth: 432, downScaledHeight: 432,
    })
    expect(scanRegion({ videoWidth: 1920, videoHeight: 1080 }).downScaledWidth).toBe(480)
  })
})
