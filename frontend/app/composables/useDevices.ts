// Paired door scanners: staff add (a pairing code), list and revoke them; a phone pairs itself.
import type { Device, PaginatedDeviceList, PaginatedDeviceScanList, Paired, PairingCode } from '~/types/api'

/** Return the pairing code a scanned QR code or typed text holds (the pairing URL's `code`, or the text). */
export function pairingCodeFrom(text: string): string {
  const trimmed = text.trim()
  try {
    const code = new URL(trimmed).searchParams.get('code')
    if (code) return code
  }
  catch {
    // not a URL: the code itself
  }
  return trimmed
}

export function useDevices() {
  const api = useApi()
  return {
    list: (slug: string) => api.get<PaginatedDeviceList>(`events/${slug}/devices/`, { page_size: 100 }),
    addScanner: (slug: string, name: string) => api.post<PairingCode>(`events/${slug}/devices/`, { name }),
    revoke: (slug: string, id: string) => api.post<Device>(`events/${slug}/devices/${id}/revoke/`),
    scans: (slug: string, id: string) => api.get<PaginatedDeviceScanList>(`events/${slug}/devices/${id}/scans/`, { page_size: 100 }),
    pair: (code: string) => api.post<Paired>('devices/pair/', { code: pairingCodeFrom(code) }, { anonymous: true }),
  }
}
