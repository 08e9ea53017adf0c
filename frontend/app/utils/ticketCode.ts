// What a scanner can tell about a ticket code without the server.

// EH1.<16-byte registration id>.<16-byte tag>, both base64url without padding.
const CODE_SHAPE = /^EH1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/

/** Return whether text has the shape of an EventHub ticket code (the signature needs the server). */
export function looksLikeTicketCode(text: string): boolean {
  return CODE_SHAPE.test(text.trim())
}

/** Return the hex SHA-256 of a code, as the offline manifest stores it (registrations.qr.code_sha256). */
export async function codeSha256(code: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(code))
  return Array.from(new Uint8Array(digest), byte => byte.toString(16).padStart(2, '0')).join('')
}
