"""The audit log: who changed what, when and from where, append-only (issue 11).

Every staff action that changes state calls `audit.services.record(...)`.
The app sits beside `accounts` at the bottom of the dependency order: its
model and service import no other app, so every app may call it; only its
admin and API read `events.permissions` to scope the log to a manager's events.
"""
