"""Change stamps for the offline manifest's cursor (see checkins/selectors.py).

Adds `change_xid` to registrations and check-ins (not model fields: only the
manifest reads them), kept by triggers so no code path can forget it:
- PostgreSQL: the writing transaction's id (`pg_current_xact_id()`); a cursor
  is a snapshot, and "changed since" means "written by a transaction that
  snapshot could not see", so a late commit is never skipped.
- SQLite (development): a counter; SQLite commits one writer at a time, so
  counter order is commit order.
Deleting a check-in re-stamps its registration, so the admission's removal
reaches the devices too.
"""

from django.db import migrations

POSTGRESQL = [
    """
    ALTER TABLE registrations_registration ADD COLUMN change_xid bigint;
    ALTER TABLE checkins_checkin ADD COLUMN change_xid bigint;
    CREATE INDEX registration_event_change ON registrations_registration (event_id, change_xid);
    CREATE INDEX checkin_change ON checkins_checkin (change_xid);
    CREATE FUNCTION eventhub_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.change_xid := pg_current_xact_id()::text::bigint;
        RETURN NEW;
    END $$;
    CREATE FUNCTION eventhub_checkin_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE registrations_registration SET change_xid = NULL WHERE id = OLD.registration_id;
        RETURN OLD;
    END $$;
    CREATE TRIGGER registration_stamp_change BEFORE INSERT OR UPDATE ON registrations_registration
        FOR EACH ROW EXECUTE FUNCTION eventhub_stamp_change();
    CREATE TRIGGER checkin_stamp_change BEFORE INSERT OR UPDATE ON checkins_checkin
        FOR EACH ROW EXECUTE FUNCTION eventhub_stamp_change();
    CREATE TRIGGER checkin_deleted AFTER DELETE ON checkins_checkin
        FOR EACH ROW EXECUTE FUNCTION eventhub_checkin_deleted();
    """
]
POSTGRESQL_REVERSE = [
    """
    DROP TRIGGER checkin_deleted ON checkins_checkin;
    DROP TRIGGER checkin_stamp_change ON checkins_checkin;
    DROP TRIGGER registration_stamp_change ON registrations_registration;
    DROP FUNCTION eventhub_checkin_deleted();
    DROP FUNCTION eventhub_stamp_change();
    ALTER TABLE checkins_checkin DROP COLUMN change_xid;
    ALTER TABLE registrations_registration DROP COLUMN change_xid;
    """
]

_NEXT = (
    "(SELECT COALESCE(MAX(v), 0) + 1 FROM (SELECT MAX(change_xid) AS v FROM registrations_registration"
    " UNION ALL SELECT MAX(change_xid) FROM checkins_checkin))"
)
SQLITE = [
    "ALTER TABLE registrations_registration ADD COLUMN change_xid bigint",
    "ALTER TABLE checkins_checkin ADD COLUMN change_xid bigint",
    "CREATE INDEX registration_event_change ON registrations_registration (event_id, change_xid)",
    "CREATE INDEX registration_change ON registrations_registration (change_xid)",
    "CREATE INDEX checkin_change ON checkins_checkin (change_xid)",
    *[
        f"""CREATE TRIGGER {table}_{when.lower()}_stamp AFTER {when} ON {table}
        {"WHEN NEW.change_xid IS OLD.change_xid" if when == "UPDATE" else ""}
        BEGIN UPDATE {table} SET change_xid = {_NEXT} WHERE id = NEW.id; END"""
        for table in ("registrations_registration", "checkins_checkin")
        for when in ("INSERT", "UPDATE")
    ],
    f"""CREATE TRIGGER checkins_checkin_delete_stamp AFTER DELETE ON checkins_checkin
    BEGIN UPDATE registrations_registration SET change_xid = {_NEXT} WHERE id = OLD.registration_id; END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER checkins_checkin_delete_stamp",
    *[
        f"DROP TRIGGER {table}_{when}_stamp"
        for table in ("registrations_registration", "checkins_checkin")
        for when in ("insert", "update")
    ],
    "DROP INDEX checkin_change",
    "DROP INDEX registration_change",
    "DROP INDEX registration_event_change",
    "ALTER TABLE checkins_checkin DROP COLUMN change_xid",
    "ALTER TABLE registrations_registration DROP COLUMN change_xid",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise NotImplementedError(f"No change stamps for {schema_editor.connection.vendor}.")
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0002_offline_scan"),
        ("registrations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
