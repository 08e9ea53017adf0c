"""Signals accounts sends, for the apps above it (DESIGN §1: a hook, never an import).

`password_changed(sender=User, user=…)` is sent when an existing account's
password has been saved changed: on the site's password change and reset,
in the Django admin, by `manage.py changepassword`. Receivers revoke what
the old password vouched for: accounts blacklists the account's refresh
tokens (accounts.tokens.revoke_all), the waiting room refuses its visitor
tokens. A rehash on login (the same password, a new hasher) is no change.
"""

from django.dispatch import Signal

password_changed = Signal()
