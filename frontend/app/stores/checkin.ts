// The scan station of this device: which event and gate, online or offline,
// what is queued, and the verdicts shown.
import { defineStore } from 'pinia'
import { newStationState, type Verdict } from '~/utils/checkinEngine'

const SETTINGS_KEY = 'eventhub:station'

export const useCheckinStore = defineStore('checkin', () => {
  const saved = (() => {
    try {
      return JSON.parse(globalThis.localStorage?.getItem(SETTINGS_KEY) || '{}') as { event?: string, gate?: string }
    }
    catch {
      return {}
    }
  })()
  const eventId = ref<string>(saved.event || '')
  const gate = ref<string>(saved.gate || '')
  const station = reactive(newStationState())
  const verdict = ref<Verdict | null>(null)
  const history = ref<Verdict[]>([])
  const busy = ref(false)

  function remember() {
    globalThis.localStorage?.setItem(SETTINGS_KEY, JSON.stringify({ event: eventId.value, gate: gate.value }))
  }

  function show(next: Verdict) {
    verdict.value = next
    history.value = [next, ...history.value].slice(0, 20)
  }

  function reset() {
    Object.assign(station, newStationState())
    verdict.value = null
    history.value = []
  }

  return { eventId, gate, station, verdict, history, busy, remember, show, reset }
})
