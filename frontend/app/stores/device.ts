// This phone as a paired door scanner. The credential itself is an httpOnly
// cookie the page never sees (like the refresh token); only which device and
// event it is are remembered here, so the scanner reopens offline.
import { defineStore } from 'pinia'
import type { Paired } from '~/types/api'

const DEVICE_KEY = 'eventhub:device'

export interface PairedDevice {
  id: string
  name: string
  event: { id: string, slug: string, title: string }
}

function load(): PairedDevice | null {
  try {
    const text = globalThis.localStorage?.getItem(DEVICE_KEY)
    return text ? JSON.parse(text) as PairedDevice : null
  }
  catch {
    return null
  }
}

export const useDeviceStore = defineStore('device', () => {
  const device = ref<PairedDevice | null>(load())
  const revoked = ref(false)

  function paired(answer: Paired) {
    device.value = { id: answer.device.id, name: answer.device.name, event: answer.event }
    revoked.value = false
    globalThis.localStorage?.setItem(DEVICE_KEY, JSON.stringify(device.value))
  }

  function forget() {
    device.value = null
    revoked.value = false
    globalThis.localStorage?.removeItem(DEVICE_KEY)
  }

  return { device, revoked, paired, forget }
})
