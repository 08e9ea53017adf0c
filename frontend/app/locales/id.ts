// Bahasa Indonesia: the default language.
export default {
  common: {
    loading: 'Memuat…', save: 'Simpan', saved: 'Tersimpan.', cancel: 'Batal', close: 'Tutup', edit: 'Ubah', delete: 'Hapus',
  },
  errors: { generic: 'Terjadi kesalahan. Coba lagi.' },
  nav: {
    main: 'Navigasi utama', events: 'Acara', myTickets: 'Tiket saya', files: 'Berkas', admin: 'Admin', scan: 'Pindai',
    overview: 'Ringkasan', users: 'Pengguna', login: 'Masuk', logout: 'Keluar', language: 'Bahasa',
    offline: 'Anda sedang luring. Halaman yang sudah dimuat tetap bisa dipakai.',
  },
  home: {
    title: 'Temukan acara, beli tiket, masuk dengan QR',
    lead: 'Daftar acara, bayar dengan QRIS, virtual account, e-wallet, atau kartu, lalu tunjukkan tiket QR Anda di pintu masuk.',
    browse: 'Lihat acara', openScanner: 'Buka pemindai', upcoming: 'Acara mendatang',
  },
  events: {
    title: 'Acara', search: 'Cari', searchPlaceholder: 'Cari acara…', none: 'Belum ada acara.', notFound: 'Acara tidak ditemukan.',
    tickets: 'Jenis tiket', free: 'Gratis', seatsLeft: 'Sisa {count} kursi', soldOut: 'Habis', register: 'Daftar',
    notOnSale: 'Tidak dijual', salesEnd: 'Penjualan berakhir {date}',
  },
  registration: { event: 'Acara', ticket: 'Tiket', amount: 'Jumlah', status: 'Status', expires: 'Bayar sebelum' },
  status: { pending: 'Menunggu pembayaran', paid: 'Lunas', cancelled: 'Dibatalkan' },
  checkout: {
    title: 'Pembayaran', method: 'Metode pembayaran', pay: 'Bayar sekarang', redirecting: 'Mengalihkan…',
    missing: 'Pendaftaran tidak disebutkan.', alreadyPaid: 'Sudah membayar? Lihat status pembayaran',
    cancelled: 'Pendaftaran ini dibatalkan.',
    providers: {
      midtrans: { name: 'Midtrans', hint: 'QRIS, GoPay, ShopeePay, virtual account, kartu' },
      xendit: { name: 'Xendit', hint: 'QRIS, OVO, DANA, virtual account, kartu' },
    },
  },
  payment: {
    pendingTitle: 'Menunggu pembayaran', waiting: 'Kami menunggu konfirmasi dari penyedia pembayaran. Halaman ini diperbarui sendiri.',
    cancelled: 'Pembayaran tidak selesai dan pendaftaran dibatalkan.', tryAgain: 'Coba bayar lagi', follow: 'Lihat status',
    successTitle: 'Pembayaran berhasil', registeredTitle: 'Pendaftaran berhasil', successLead: 'Ini tiket Anda. Tunjukkan kode QR di pintu masuk; tiket juga dikirim lewat email.',
  },
  tickets: {
    qrAlt: 'Kode QR tiket', showAtDoor: 'Naikkan kecerahan layar saat dipindai.', enlarge: 'Perbesar kode QR',
  },
  auth: {
    loginTitle: 'Masuk', login: 'Masuk', email: 'Email', password: 'Kata sandi', failed: 'Email atau kata sandi salah.',
    noAccount: 'Belum punya akun?', signup: 'Daftar', signupTitle: 'Buat akun', fullName: 'Nama lengkap',
    phone: 'Nomor telepon', haveAccount: 'Sudah punya akun? Masuk',
  },
  dashboard: {
    title: 'Tiket saya', none: 'Anda belum terdaftar di acara mana pun.', showTicket: 'Tampilkan tiket',
    hideTicket: 'Sembunyikan tiket', pay: 'Bayar', cancel: 'Batalkan', confirmCancel: 'Batalkan pendaftaran ini?',
  },
  files: {
    title: 'Berkas saya', choose: 'Pilih berkas', rules: 'PDF, JPEG, atau PNG, maksimal {max} MB.', attachTo: 'Lampirkan ke',
    account: 'Akun saya', upload: 'Unggah', tooLarge: 'Berkas terlalu besar (maksimal {max} MB).',
    typeNotAllowed: 'Jenis berkas tidak diizinkan (PDF, JPEG, atau PNG).', empty: 'Berkas kosong.', none: 'Belum ada berkas.',
    name: 'Nama', owner: 'Pemilik', type: 'Jenis', size: 'Ukuran', uploaded: 'Diunggah', preview: 'Pratinjau',
    download: 'Unduh', delete: 'Hapus', confirmDelete: 'Hapus {name}?',
  },
  admin: {
    overview: 'Ringkasan', updated: 'Diperbarui {time}', noEvents: 'Belum ada acara.', registered: 'Terdaftar', paid: 'Lunas',
    pending: 'Menunggu', checkedIn: 'Sudah masuk', ticketType: 'Jenis tiket', quota: 'Kuota', sold: 'Terjual',
    device: 'Gerbang / perangkat', lastMinute: 'Menit terakhir', tenMinutes: '10 menit terakhir',
    events: 'Kelola acara', newEvent: 'Acara baru', eventTitle: 'Judul', slug: 'Slug', slugHint: 'dibuat dari judul bila kosong',
    date: 'Tanggal', location: 'Lokasi', description: 'Deskripsi', active: 'Aktif', inactive: 'Nonaktif',
    addTicket: 'Tambah jenis tiket', price: 'Harga (Rp)', salesStart: 'Penjualan mulai', salesEnd: 'Penjualan berakhir',
    confirmDeleteTicket: 'Hapus jenis tiket {name}?', confirmDeleteEvent: 'Hapus acara {name}?',
    users: 'Pengguna', userSearch: 'Cari nama atau email…', userCount: '{count} pengguna', role: 'Peran',
    roles: { user: 'Peserta', admin: 'Admin' }, files: 'Berkas peserta', allEvents: 'Semua acara',
  },
  scan: {
    title: 'Pemindai tiket', setupTitle: 'Siapkan gerbang', event: 'Acara', chooseEvent: 'Pilih acara',
    rememberedEvent: 'Acara tersimpan di perangkat ini', gate: 'Nama gerbang', gatePlaceholder: 'mis. Gerbang A',
    open: 'Mulai memindai', opening: 'Mengunduh daftar tiket…', change: 'ganti',
    online: 'Daring', offline: 'Luring', queued: '{count} antre', ticketsKnown: '{count} tiket tersimpan',
    syncNow: 'Sinkronkan', offlineUnreachable: 'Server tidak terjangkau: tiket diperiksa dengan daftar di perangkat ini dan diantrekan.',
    offlineSlow: 'Server lambat: tiket diperiksa dengan daftar di perangkat ini dan diantrekan.',
    lastSync: 'Sinkron {time}: {synced} diterima, {duplicates} duplikat, {rejected} ditolak.',
    manual: 'Kode tiket', manualPlaceholder: 'Ketik atau tempel kode tiket', check: 'Periksa',
    waiting: 'Arahkan kamera ke kode QR tiket.', history: 'Pindaian terakhir',
    issuesTitle: 'Perlu perhatian setelah sinkron', scannedHereAt: 'dipindai di sini {time}',
    admittedAt: 'Masuk pukul {time}', admittedBy: 'oleh {name}',
    offlineQueued: 'Diputuskan luring; akan disinkronkan.', offlineDecided: 'Diputuskan luring.',
    search: 'Cari peserta', searchPlaceholder: 'Nama atau email peserta', admit: 'Izinkan masuk',
    searchOfflineNote: 'Luring: hasil dari daftar di perangkat; pindai atau ketik kodenya untuk mengizinkan masuk.',
    noMatches: 'Tidak ada yang cocok.',
    camera: {
      starting: 'Menyalakan kamera…', denied: 'Akses kamera ditolak. Izinkan kamera atau ketik kodenya.',
      unavailable: 'Kamera tidak tersedia. Ketik kodenya atau cari peserta.', off: 'Kamera mati.',
      start: 'Nyalakan kamera', stop: 'Matikan kamera', restart: 'Mulai ulang kamera',
    },
    result: {
      ok: 'SILAKAN MASUK', invalid: 'KODE TIDAK SAH', not_found: 'TIKET TIDAK DIKENAL', wrong_event: 'ACARA LAIN',
      not_paid: 'BELUM DIBAYAR', cancelled: 'TIKET DIBATALKAN', already_checked_in: 'SUDAH MASUK',
    },
  },
}
