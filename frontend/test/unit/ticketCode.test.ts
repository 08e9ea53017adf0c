import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { codeSha256, looksLikeTicketCode } from '~/utils/ticketCode'

describe('ticket codes', () => {
  it('hashes a code as the backend does (hex SHA-256 of its UTF-8 bytes)', async () => {
    const code = 'EH1.qg3PqIxzQzGmQ1hAdnEfrA.4yqRlYB1m5Ua1tEqSZk3sA'
    expect(await codeSha256(code)).toBe(createHash('sha256').update(code, 'utf8').digest('hex'))
  })

  it('tells the shape of a code apart from other text', () => {
    expect(looksLikeTicketCode('EH1.qg3PqIxzQzGmQ1hAdnEfrA.4yqRlYB1m5Ua1tEqSZk3sA')).toBe(true)
    expect(looksLikeTicketCode('EH1.qg3PqIxzQzGmQ1hAdnEfrA.short')).toBe(false)
    expect(looksLikeTicketCode('https://example.com')).toBe(false)
  })
})
