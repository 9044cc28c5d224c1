"""The audit trail is append-only in the database itself: an UPDATE of an event is refused
whatever code runs it (QuerySet.update(), raw SQL). The one change let through is forgetting a
link to a deleted user or clinic (on_delete SET_NULL); the actor's email and role stay.

Deletes are allowed: the retention purge (`manage.py purge_audit_trail`) removes old events."""

from django.db import migrations

KEPT = ("id", "at", "actor", "role", "action", "object_type", "object_id", "route", "method",
        "ip_address")
LINKS = ("user_id", "client_id", "clinic_id")
MESSAGE = "The audit trail is append-only."


def changed(distinct: str) -> str:
    kept = [f"NEW.{c} {distinct} OLD.{c}" for c in KEPT]
    links = [f"(NEW.{c} {distinct} OLD.{c} AND NEW.{c} IS NOT NULL)" for c in LINKS]
    return " OR ".join(kept + links)


SQLITE = [
    f"""
    CREATE TRIGGER accounts_audit_append_only
    BEFORE UPDATE ON accounts_auditevent
    WHEN {changed("IS NOT")}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS accounts_audit_append_only"]

POSTGRESQL = [
    f"""
    CREATE FUNCTION accounts_refuse_audit_update() RETURNS trigger AS $$
    BEGIN
        IF {changed("IS DISTINCT FROM")} THEN
            RAISE EXCEPTION '{MESSAGE}';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER accounts_audit_append_only BEFORE UPDATE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_refuse_audit_update()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_audit_append_only ON accounts_auditevent",
    "DROP FUNCTION IF EXISTS accounts_refuse_audit_update()",
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for sql in POSTGRESQL_REVERSE if vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_verify_existing_emails")]
    operations = [migrations.RunPython(forwards, backwards)]
