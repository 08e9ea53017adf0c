// The API v1 contract (DESIGN §4), in one place.

export type UUID = string
export type Role = 'admin' | 'user'

export interface User {
  id: UUID
  email: string
  full_name: string
  phone?: string
  role: Role
  is_active: boolean
  date_joined?: string
  created_at?: string
}

export interface LoginResponse {
  access: string
  refresh?: string
  user: User
}

export interface TicketType {
  id: UUID
  name: string
  price: string
  quota: number
  sold: number
  seats_left: number
  sales_start?: string | null
  sales_end?: string | null
}

export interface EventItem {
  id: UUID
  title: string
  slug: string
  description: string
  event_date: string
  location: string
  is_active: boolean
  tickets?: TicketType[]
  seats_left?: number
  created_at?: string
}

export type RegistrationStatus = 'pending' | 'paid' | 'cancelled'

export interface Registration {
  id: UUID
  event: UUID | { id: UUID, title?: string, slug?: string, event_date?: string, location?: string }
  ticket: UUID | { id: UUID, name?: string, price?: string }
  status: RegistrationStatus
  amount: string
  qr_code?: string | null
  qr_image_url?: string | null
  payment_ref?: string
  paid_at?: string | null
  created_at: string
  expires_at?: string | null
  // Optional extras some serializers add for display.
  event_title?: string
  event_slug?: string
  ticket_name?: string
  attendee_name?: string
  user?: UUID | { id: UUID, email?: string, full_name?: string }
  user_email?: string
  user_full_name?: string
}

export interface Page<T> {
  count: number
  next: string | null
  previous: string | null
  results: T[]
}

export type ScanResult =
  | 'ok'
  | 'invalid'
  | 'not_found'
  | 'wrong_event'
  | 'not_paid'
  | 'cancelled'
  | 'already_checked_in'

export const SCAN_RESULTS: ScanResult[] = [
  'ok', 'invalid', 'not_found', 'wrong_event', 'not_paid', 'cancelled', 'already_checked_in',
]

export interface ScanRegistration {
  id?: UUID
  attendee_name?: string
  ticket_name?: string
  [key: string]: unknown
}

export interface ScanAnswer {
  result: ScanResult
  detail?: string
  registration?: ScanRegistration | null
  checked_in_at?: string
  checked_in_by?: string | { id?: UUID, full_name?: string, email?: string } | null
  device?: string
}

export interface ManifestTicket {
  registration: UUID
  code_sha256: string
  attendee_name: string
  ticket_name: string
  status: RegistrationStatus
  checked_in_at: string | null
}

export interface Manifest {
  cursor: string
  tickets: ManifestTicket[]
  removed: UUID[]
  next?: string | null
}

export interface SyncScan {
  scan_id: UUID
  code: string
  scanned_at: string
  device: string
}

export interface SyncResult {
  scan_id: UUID
  result: ScanResult
  checked_in_at?: string
  detail?: string
}

export interface Checkin {
  id: UUID
  registration: UUID | ScanRegistration
  checked_in_at: string
  device: string
  admin?: unknown
  scan_id?: UUID | null
  attendee_name?: string
  ticket_name?: string
}

export interface EventStats {
  event: UUID | { id: UUID, title?: string, slug?: string }
  registered: number
  pending: number
  paid: number
  cancelled: number
  checked_in: number
  tickets: { id: UUID, name: string, quota: number, sold: number, paid: number, checked_in: number }[]
  admissions_per_minute: { device: string, minute: string, count: number }[]
}

export interface FileItem {
  id: UUID
  filename: string
  filetype: string
  filesize: number
  registration: UUID | null
  created_at: string
  download_url: string
  user?: UUID | { id: UUID, email?: string, full_name?: string }
  event?: UUID | null
}

export interface ApiErrorBody {
  code?: string
  detail?: string
  fields?: Record<string, string[] | string>
  [key: string]: unknown
}
