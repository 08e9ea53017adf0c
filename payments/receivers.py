"""Signal receivers of payments, connected in PaymentsConfig.ready()."""


def registration_cancelled(sender, *, registration, reason, **kwargs):
    """Close the cancelled registration's open attempts; refund it when staff cancelled a paid one."""
    from . import refunds

    refunds.on_registration_cancelled(registration=registration, reason=reason)
