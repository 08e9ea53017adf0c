import { encode } from 'uqr'

/** Return the path data of a QR code (one unit per module, quiet zone included) and its side length. */
export function qrPath(text: string, border = 4): { d: string, size: number } {
  const qr = encode(text, { ecc: 'M', border })
  const parts: string[] = []
  qr.data.forEach((row, y) => {
    let x = 0
    while (x < row.length) {
      if (!row[x]) {
        x++
        continue
      }
      const start = x
      while (x < row.length && row[x]) x++
      parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`)
    }
  })
  return { d: parts.join(''), size: qr.size }
}
