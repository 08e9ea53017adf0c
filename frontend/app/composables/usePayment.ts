// Paying for a registration: start a payment at the chosen gateway and follow it.
import type { Registration } from '~/types/api'

export type Provider = 'midtrans' | 'xendit'
export const PROVIDERS: Provider[] = ['midtrans', 'xendit']

export function usePayment() {
  const api = useApi()

  /** Ask the API for the gateway's payment page and send the buyer there. */
  async function start(registration: string, provider: Provider): Promise<string> {
    const data = await api.post<{ redirect_url: string }>('payments/start/', { registration, provider })
    window.location.assign(data.redirect_url)
    return data.redirect_url
  }

  /** Poll a registration until it leaves `pending` (or `stop` is called); calls back on every answer. */
  function follow(registration: string, onChange: (r: Registration) => void, everyMs = 3000): () => void {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      try {
        const current = await api.get<Registration>(`registrations/${registration}/`)
        if (stopped) return
        onChange(current)
        if (current.status !== 'pending') return
      }
      catch {
        // A missed poll (network blip) is retried on the next tick.
      }
      if (!stopped) timer = setTimeout(tick, everyMs)
    }
    void tick()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }

  return { start, follow }
}
