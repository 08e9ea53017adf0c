// Bahasa Indonesia: pesanan beberapa tiket, kode promo dan daftar tunggu (issue 10).
export default {
  order: {
    maxPerOrder: 'Tiket per pesanan',
    maxPerBuyer: 'Tiket per pembeli', quantity: 'Jumlah', less: 'Kurangi satu', more: 'Tambah satu', promoCode: 'Kode promo', apply: 'Pakai',
    subtotal: 'Subtotal', subtotalOf: 'Tiket: {count} · {amount}', loginForPromo: 'Masuk untuk memakai kode promo.',
    chooseTickets: 'Pilih jumlah tiket untuk tiap jenis.', continue: 'Lanjut ({count} tiket)',
    discount: 'Kode promo {code}', total: 'Total', fixAttendees: 'Periksa data peserta di bawah.',
    backToEvent: 'Kembali ke acara', attendees: 'Peserta',
    attendeesHint: 'Setiap tiket memuat nama pesertanya dan dikirim ke emailnya. Tiket yang dikosongkan atas nama Anda.',
    ticketNumber: 'Tiket {number}: {ticket}', attendeeName: 'Nama', attendeeEmail: 'Email',
    getTickets: 'Ambil tiket', placeOrder: 'Buat pesanan', number: 'Pesanan {number}', payBefore: 'Bayar sebelum {time}',
    successLead: 'Ini tiket Anda. Setiap kode QR berlaku untuk satu orang di pintu masuk; tiket juga dikirim lewat email.',
    confirmCancel: 'Batalkan pesanan ini beserta {count} tiketnya?', ticketCount: 'Tiket: {count}',
    status: { pending: 'Menunggu pembayaran', paid: 'Lunas', cancelled: 'Dibatalkan', expired: 'Kedaluwarsa', refunded: 'Dana dikembalikan' },
  },
  waitlist: {
    join: 'Masuk daftar tunggu', leave: 'Keluar dari daftar tunggu', wanted: 'Jumlah tiket',
    position: 'Anda nomor {position} di daftar tunggu (untuk {count} tiket).',
    offerHeld: '{count} tiket {ticket} disimpan untuk Anda sampai {time}.', claim: 'Ambil sekarang',
    title: 'Daftar tunggu', waiting: 'Menunggu', offered: 'Tawaran disimpan', person: 'Siapa', quantity: 'Tiket',
    since: 'Bergabung', until: 'Disimpan sampai', none: 'Belum ada yang menunggu.',
    states: { waiting: 'Menunggu', offered: 'Tawaran disimpan', claimed: 'Diambil', expired: 'Tawaran kedaluwarsa', left: 'Keluar' },
  },
  voucher: {
    title: 'Kode promo', add: 'Tambah kode promo', code: 'Kode', kind: 'Potongan', value: 'Nilai',
    kinds: { percent: 'Persentase', fixed: 'Nominal tetap (IDR)' }, tickets: 'Berlaku untuk', ticketsHint: 'tidak ada yang dicentang: semua jenis tiket', allTickets: 'Semua jenis tiket',
    validFrom: 'Berlaku mulai', validUntil: 'Berlaku sampai', maxUses: 'Batas pemakaian', maxUsesHint: 'kosongkan jika tanpa batas',
    used: 'Terpakai', unlimited: 'tanpa batas', active: 'Aktif', inactive: 'Dinonaktifkan', deactivate: 'Nonaktifkan',
    activate: 'Aktifkan', none: 'Belum ada kode promo.', usedOf: '{used} dari {max}',
  },
}
