// English.
export default {
  common: {
    loading: 'Loading…', save: 'Save', saved: 'Saved.', cancel: 'Cancel', close: 'Close', edit: 'Edit', delete: 'Delete',
  },
  errors: { generic: 'Something went wrong. Please try again.' },
  nav: {
    main: 'Main navigation', events: 'Events', myTickets: 'My tickets', files: 'Files', admin: 'Admin', scan: 'Scan',
    overview: 'Overview', users: 'Users', login: 'Log in', logout: 'Log out', language: 'Language',
    offline: 'You are offline. Pages already loaded keep working.',
  },
  home: {
    title: 'Find events, buy tickets, get in with a QR code',
    lead: 'Register for events, pay with QRIS, virtual accounts, e-wallets or cards, and show your QR ticket at the door.',
    browse: 'Browse events', openScanner: 'Open the scanner', upcoming: 'Upcoming events',
  },
  events: {
    title: 'Events', search: 'Search', searchPlaceholder: 'Search events…', none: 'No events yet.', notFound: 'Event not found.',
    tickets: 'Ticket types', free: 'Free', seatsLeft: '{count} seats left', soldOut: 'Sold out', register: 'Register',
    notOnSale: 'Not on sale', salesEnd: 'Sales end {date}',
  },
  registration: { event: 'Event', ticket: 'Ticket', amount: 'Amount', status: 'Status', expires: 'Pay before' },
  status: { pending: 'Awaiting payment', paid: 'Paid', cancelled: 'Cancelled' },
  checkout: {
    title: 'Checkout', method: 'Payment method', pay: 'Pay now', redirecting: 'Redirecting…',
    missing: 'No registration given.', alreadyPaid: 'Paid already? See the payment status',
    cancelled: 'This registration was cancelled.',
    providers: {
      midtrans: { name: 'Midtrans', hint: 'QRIS, GoPay, ShopeePay, virtual account, card' },
      xendit: { name: 'Xendit', hint: 'QRIS, OVO, DANA, virtual account, card' },
    },
  },
  payment: {
    pendingTitle: 'Waiting for payment', waiting: 'We are waiting for the payment provider to confirm. This page updates itself.',
    cancelled: 'The payment did not complete and the registration was cancelled.', tryAgain: 'Try paying again', follow: 'See the status',
    successTitle: 'Payment received', registeredTitle: 'You are registered', successLead: 'Here is your ticket. Show the QR code at the door; it was also sent by email.',
  },
  tickets: {
    qrAlt: 'Ticket QR code', showAtDoor: 'Turn the screen brightness up when it is scanned.', enlarge: 'Enlarge the QR code',
  },
  auth: {
    loginTitle: 'Log in', login: 'Log in', email: 'Email', password: 'Password', failed: 'Wrong email or password.',
    noAccount: 'No account yet?', signup: 'Sign up', signupTitle: 'Create an account', fullName: 'Full name',
    phone: 'Phone number', haveAccount: 'Have an account? Log in',
  },
  dashboard: {
    title: 'My tickets', none: 'You are not registered for any event yet.', showTicket: 'Show ticket',
    hideTicket: 'Hide ticket', pay: 'Pay', cancel: 'Cancel', confirmCancel: 'Cancel this registration?',
  },
  files: {
    title: 'My files', choose: 'Choose a file', rules: 'PDF, JPEG or PNG, up to {max} MB.', attachTo: 'Attach to',
    account: 'My account', upload: 'Upload', tooLarge: 'The file is too large (at most {max} MB).',
    typeNotAllowed: 'This type of file is not allowed (PDF, JPEG or PNG).', empty: 'The file is empty.', none: 'No files yet.',
    name: 'Name', owner: 'Owner', type: 'Type', size: 'Size', uploaded: 'Uploaded', preview: 'Preview',
    download: 'Download', delete: 'Delete', confirmDelete: 'Delete {name}?',
  },
  admin: {
    overview: 'Overview', updated: 'Updated {time}', noEvents: 'No events yet.', registered: 'Registered', paid: 'Paid',
    pending: 'Pending', checkedIn: 'Checked in', ticketType: 'Ticket type', quota: 'Quota', sold: 'Sold',
    device: 'Gate / device', lastMinute: 'Last minute', tenMinutes: 'Last 10 minutes',
    events: 'Manage events', newEvent: 'New event', eventTitle: 'Title', slug: 'Slug', slugHint: 'made from the title when empty',
    date: 'Date', location: 'Location', description: 'Description', active: 'Active', inactive: 'Inactive',
    addTicket: 'Add a ticket type', price: 'Price (IDR)', salesStart: 'Sales start', salesEnd: 'Sales end',
    confirmDeleteTicket: 'Delete the ticket type {name}?', confirmDeleteEvent: 'Delete the event {name}?',
    users: 'Users', userSearch: 'Search name or email…', userCount: '{count} users', role: 'Role',
    roles: { user: 'Attendee', admin: 'Admin' }, files: 'Attendee files', allEvents: 'All events',
  },
  scan: {
    title: 'Ticket scanner', setupTitle: 'Set up the gate', event: 'Event', chooseEvent: 'Choose an event',
    rememberedEvent: 'Event stored on this device', gate: 'Gate name', gatePlaceholder: 'e.g. Gate A',
    open: 'Start scanning', opening: 'Downloading the ticket list…', change: 'change',
    online: 'Online', offline: 'Offline', queued: '{count} queued', ticketsKnown: '{count} tickets stored',
    syncNow: 'Sync', offlineUnreachable: 'Server unreachable: tickets are checked against this device\'s list and queued.',
    offlineSlow: 'Server slow: tickets are checked against this device\'s list and queued.',
    lastSync: 'Synced {time}: {synced} accepted, {duplicates} duplicates, {rejected} refused.',
    manual: 'Ticket code', manualPlaceholder: 'Type or paste the ticket code', check: 'Check',
    waiting: 'Point the camera at a ticket\'s QR code.', history: 'Recent scans',
    issuesTitle: 'Needs attention after sync', scannedHereAt: 'scanned here at {time}',
    admittedAt: 'Admitted at {time}', admittedBy: 'by {name}',
    offlineQueued: 'Decided offline; will be synced.', offlineDecided: 'Decided offline.',
    search: 'Find attendee', searchPlaceholder: 'Attendee name or email', admit: 'Admit',
    searchOfflineNote: 'Offline: results from this device\'s list; scan or type the code to admit.',
    noMatches: 'No matches.',
    camera: {
      starting: 'Starting the camera…', denied: 'Camera access was refused. Allow the camera or type the code.',
      unavailable: 'No camera available. Type the code or find the attendee.', off: 'Camera off.',
      start: 'Start camera', stop: 'Stop camera', restart: 'Restart camera',
    },
    result: {
      ok: 'ADMIT', invalid: 'INVALID CODE', not_found: 'UNKNOWN TICKET', wrong_event: 'OTHER EVENT',
      not_paid: 'NOT PAID', cancelled: 'TICKET CANCELLED', already_checked_in: 'ALREADY ADMITTED',
    },
  },
}
