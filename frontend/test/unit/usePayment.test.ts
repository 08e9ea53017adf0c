import { describe, expect, it } from 'vitest'
import { serveApi } from './api'

describe('usePayment', () => {
  it('starts a payment the chosen way, leaving the gateway to the API', async () => {
    const seen = serveApi({ 'POST payments/start/': () => ({ status: 201, body: { redirect_url: 'http://localhost:3000/app/#paid' } }) })
    const url = await usePayment().start('reg-1', 'ewallet')
    expect(url).toBe('http://localhost:3000/app/#paid')
    expect(seen[0]).toMatchObject({
      path: 'payments/start/',
      body: { registration: 'reg-1', method: 'ewallet', return_path: expect.stringMatching(/payment\/pending\?registration=reg-1$/) },
    })
  })

  it('follows a pending registration until it is paid', async () => {
    let polls = 0
    serveApi({
      'GET registrations/reg-1/': () => ({ status: 200, body: { id: 'reg-1', status: ++polls < 3 ? 'pending' : 'paid' } }),
    })
    const statuses: string[] = []
    await new Promise<void>((resolve) => {
      usePayment().follow('reg-1', (r) => {
        statuses.push(r.status)
        if (r.status === 'paid') resolve()
      }, 5)
    })
    expect(statuses).toEqual(['pending', 'pending', 'paid'])
  })
})
