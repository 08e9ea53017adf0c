// @vitest-environment node
// app/types/api.ts is what openapi-typescript makes of the committed schema (openapi.json,
// which a backend test keeps equal to /api/schema/): a changed API fails here until regenerated.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { render, TYPES } from '../../scripts/api-types.mjs'

describe('generated API types', () => {
  it('app/types/api.ts is current with openapi.json', async () => {
    const current = readFileSync(TYPES, 'utf8') === await render()
    expect(current, 'app/types/api.ts is stale: run `make api-types` and commit frontend/openapi.json and frontend/app/types/api.ts').toBe(true)
  })
})
