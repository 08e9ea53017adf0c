// Paying for a registration: start a payment the chosen way (the API picks the gateway behind it) and follow it.
import type { Order, Registration } from '~/types/api'

export type Method = 'qris' | 'va' | 'ewallet' | 'card'
export const METHODS: Method[] = ['qris', 'va', 'ewallet', 'card']

export function usePayment() {
  const api = useApi()

  /** Ask the API for the gateway's payment page and send the buyer there; the gateway returns them to our pending page. */
  async function start(registration: string, method: Method): Promise<string> {
    const returnPath = `${useRuntimeConfig().app.baseURL}payment/pending?registration=${encodeURIComponent(registration)}`
    const data = await api.post<{ redirect_url: string }>('payments/start/', { registration, method, return_path: returnPath })
    window.location.assign(data.redirect_url)
    return data.redirect_url
  }

  /** Ask the API for the gateway's payment page for a whole order and send the buyer there. */
  async function startOrder(order: string, method: Method): Promise<string> {
    const returnPath = `${useRuntimeConfig().app.baseURL}payment/pending?order=${encodeURIComponent(order)}`
    const data = await api.post<{ redirect_url: string }>('payments/start/', { order, method, return_path: returnPath })
    window.location.assign(data.redirect_url)
    return data.redirect_url
  }

  /** Poll a registration until it leaves `pending` (or `stop` is called); calls back on every answer. */
  function follow(registration: string, onChange: (r: Registration) => void, everyMs = 3000): () => void {
    return poll(() => api.get<Registration>(`registrations/${registration}/`), onChange, everyMs)
  }

  /** Poll an order until it leaves `pending` (or `stop` is called); calls back on every answer. */
  function followOrder(order: string, onChange: (o: Order) => void, everyMs = 3000): () => void {
    return poll(() => api.get<Order>(`orders/${order}/`), onChange, everyMs)
  }

  function poll<T extends { status: string }>(read: () => Promise<T>, onChange: (current: T) => void, everyMs: number): () => void {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      try {
        const current = await read()
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

  return { start, startOrder, follow, followOrder }
}
