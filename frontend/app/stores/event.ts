// Events as last loaded: the public list and the event being viewed.
import { defineStore } from 'pinia'
import type { Event as EventItem } from '~/types/api'

export const useEventStore = defineStore('event', () => {
  const list = ref<EventItem[]>([])
  const count = ref(0)
  const current = ref<EventItem | null>(null)
  const loading = ref(false)

  async function loadList(query: Record<string, string | number | undefined> = {}) {
    loading.value = true
    try {
      const page = await useEvents().list(query)
      list.value = page.results
      count.value = page.count
    }
    finally {
      loading.value = false
    }
  }

  async function load(slug: string) {
    loading.value = true
    try {
      current.value = await useEvents().get(slug)
    }
    finally {
      loading.value = false
    }
    return current.value
  }

  return { list, count, current, loading, loadList, load }
})
