// Uploaded files: one's own (attendees) or everyone's (staff, by event).
import type { File as FileItem, PaginatedFileList } from '~/types/api'
import type { Query } from './useApi'

export function useFiles() {
  const api = useApi()
  return {
    list: (query: Query = {}) => api.get<PaginatedFileList>('files/', query),
    /** Send a file (to one's account, or to one of one's registrations); reports progress from 0 to 1. */
    upload: (file: Blob, registration: string, onProgress: (fraction: number) => void) => {
      const body = new FormData()
      body.append('file', file)
      if (registration) body.append('registration', registration)
      return api.request<FileItem>('files/', { method: 'POST', body, onUploadProgress: onProgress })
    },
    /** The file's bytes, read through the authorised download URL. */
    download: (file: FileItem) => api.blob(file.download_url),
    remove: (id: string) => api.del(`files/${id}/`),
  }
}
