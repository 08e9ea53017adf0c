// English: orders of several tickets, promo codes and waiting lists (issue 10).
export default {
  order: {
    maxPerOrder: 'Tickets per order',
    maxPerBuyer: 'Tickets per buyer', quantity: 'Quantity', less: 'One fewer', more: 'One more', promoCode: 'Promo code', apply: 'Apply',
    subtotal: 'Subtotal', subtotalOf: 'Tickets: {count} · {amount}', loginForPromo: 'Log in to apply a promo code.',
    chooseTickets: 'Choose how many tickets of each type you want.', continue: 'Continue ({count} tickets)',
    discount: 'Promo code {code}', total: 'Total', fixAttendees: 'Check the attendees\' details below.',
    backToEvent: 'Back to the event', attendees: 'Attendees',
    attendeesHint: 'Each ticket carries its attendee\'s name and is emailed to them. A blank ticket is in your name.',
    ticketNumber: 'Ticket {number}: {ticket}', attendeeName: 'Name', attendeeEmail: 'Email',
    getTickets: 'Get the tickets', placeOrder: 'Place the order', number: 'Order {number}', payBefore: 'Pay before {time}',
    successLead: 'Here are your tickets. Each QR code admits one person at the door; they were also sent by email.',
    confirmCancel: 'Cancel this order and its {count} tickets?', ticketCount: 'Tickets: {count}',
    status: { pending: 'Awaiting payment', paid: 'Paid', cancelled: 'Cancelled', expired: 'Expired', refunded: 'Refunded' },
  },
  waitlist: {
    join: 'Join the waiting list', leave: 'Leave the waiting list', wanted: 'Tickets wanted',
    position: 'You are number {position} on the waiting list (for {count} tickets).',
    offerHeld: '{count} tickets of {ticket} are held for you until {time}.', claim: 'Claim them',
    title: 'Waiting lists', waiting: 'Waiting', offered: 'Offers held', person: 'Who', quantity: 'Tickets',
    since: 'Joined', until: 'Held until', none: 'Nobody is waiting.',
    states: { waiting: 'Waiting', offered: 'Offer held', claimed: 'Claimed', expired: 'Offer expired', left: 'Left' },
  },
  voucher: {
    title: 'Promo codes', add: 'Add a promo code', code: 'Code', kind: 'Discount', value: 'Value',
    kinds: { percent: 'Percentage', fixed: 'Fixed amount (IDR)' }, tickets: 'Applies to', ticketsHint: 'none ticked: every ticket type', allTickets: 'All ticket types',
    validFrom: 'Valid from', validUntil: 'Valid until', maxUses: 'Uses allowed', maxUsesHint: 'empty for no limit',
    used: 'Used', unlimited: 'no limit', active: 'Active', inactive: 'Switched off', deactivate: 'Switch off',
    activate: 'Switch on', none: 'No promo codes yet.', usedOf: '{used} of {max}',
  },
}
