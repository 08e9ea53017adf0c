"""Payments change a registration only through `registrations.services`: no write to its rows from this app."""

import ast
from pathlib import Path

import payments

# Calls that write rows when made on a model, a manager or a queryset.
WRITES = {"save", "update", "create", "bulk_create", "bulk_update", "delete", "get_or_create", "update_or_create"}
# Fields only a registration has: assigning one from payments code is writing the registration.
REGISTRATION_ONLY = {"payment_ref", "qr_code", "cancel_reason", "cancelled_at", "ticket_id", "ticket"}


def _sources():
    root = Path(payments.__file__).parent
    return [p for p in root.rglob("*.py") if not {"tests", "migrations"} & set(p.relative_to(root).parts)]


def _chain(node) -> set[str]:
    """Return the names along `a.b(…).c`: what a call is made on, not its arguments."""
    names = set()
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
            node = node.value
        else:
            node = node.func
    if isinstance(node, ast.Name):
        names.add(node.id)
    return names


def _registration_writes(tree) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            receiver = _chain(node.func.value)
            if "Registration" in receiver or any("registration" in name for name in receiver):
                lines.append(node.lineno)
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AugAssign, ast.AnnAssign)) else []
        lines += [t.lineno for t in targets if isinstance(t, ast.Attribute) and t.attr in REGISTRATION_ONLY]
    return sorted(lines)


def test_payments_code_never_writes_a_registration_itself():
    offending = {str(path): lines for path in _sources() if (lines := _registration_writes(ast.parse(path.read_text())))}

    assert offending == {}


def test_the_check_sees_a_direct_write():
    direct = ast.parse(
        "Registration.objects.filter(pk=pk).update(payment_ref=order_id)\n"
        "registration.save()\n"
        "locked.payment_ref = order_id\n"
        "Payment.objects.filter(registration=registration).update(status='paid')\n"
    )

    assert _registration_writes(direct) == [1, 2, 3]
