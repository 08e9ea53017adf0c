// @vitest-environment node
// Pages, layouts and components ask the API through the domain composables
// (useEvents, useFiles, useUsers, useCheckin, usePayment, useAuth), never useApi itself.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const APP = join(__dirname, '../../app')

function sources(folder: string): string[] {
  return readdirSync(join(APP, folder), { recursive: true, encoding: 'utf8' })
    .filter(name => /\.(vue|ts)$/.test(name))
    .map(name => join(folder, name))
}

describe('layering', () => {
  it('no page, layout or component calls useApi directly', () => {
    const direct = ['pages', 'layouts', 'components']
      .flatMap(sources)
      .filter(path => /\buseApi\s*\(/.test(readFileSync(join(APP, path), 'utf8')))
    expect(direct, 'call a domain composable from app/composables instead').toEqual([])
  })
})
