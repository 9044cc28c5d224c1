"""A signed treatment session is locked by the database itself: an UPDATE of a signed session
row, or any change to the areas of a signed session, is refused whatever code runs it
(QuerySet.update(), raw SQL, an on_delete SET_NULL). Corrections are Amendment rows.

Deletes are left to the foreign keys (photos, adverse events and sessions PROTECT), so a test
database can still be emptied."""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER clinic_signed_session_locked
    BEFORE UPDATE ON clinic_treatmentsession
    WHEN OLD.signed_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'A signed session is locked; record an amendment.'); END
    """,
    """
    CREATE TRIGGER clinic_signed_area_insert_locked
    BEFORE INSERT ON clinic_sessionarea
    WHEN (SELECT signed_at FROM clinic_treatmentsession WHERE id = NEW.session_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'A signed session is locked; record an amendment.'); END
    """,
    """
    CREATE TRIGGER clinic_signed_area_update_locked
    BEFORE UPDATE ON clinic_sessionarea
    WHEN (SELECT signed_at FROM clinic_treatmentsession WHERE id = OLD.session_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'A signed session is locked; record an amendment.'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS clinic_signed_session_locked",
    "DROP TRIGGER IF EXISTS clinic_signed_area_insert_locked",
    "DROP TRIGGER IF EXISTS clinic_signed_area_update_locked",
]

POSTGRESQL = [
    """
    CREATE FUNCTION clinic_refuse_signed_session() RETURNS trigger AS $$
    BEGIN
        IF TG_TABLE_NAME = 'clinic_treatmentsession' THEN
            IF OLD.signed_at IS NOT NULL THEN
                RAISE EXCEPTION 'A signed session is locked; record an amendment.';
            END IF;
        ELSIF EXISTS (
            SELECT 1 FROM clinic_treatmentsession
            WHERE id = NEW.session_id AND signed_at IS NOT NULL
        ) OR (TG_OP = 'UPDATE' AND EXISTS (
            SELECT 1 FROM clinic_treatmentsession
            WHERE id = OLD.session_id AND signed_at IS NOT NULL
        )) THEN
            RAISE EXCEPTION 'A signed session is locked; record an amendment.';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER clinic_signed_session_locked BEFORE UPDATE ON clinic_treatmentsession
    FOR EACH ROW EXECUTE FUNCTION clinic_refuse_signed_session()
    """,
    """
    CREATE TRIGGER clinic_signed_area_locked BEFORE INSERT OR UPDATE ON clinic_sessionarea
    FOR EACH ROW EXECUTE FUNCTION clinic_refuse_signed_session()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS clinic_signed_area_locked ON clinic_sessionarea",
    "DROP TRIGGER IF EXISTS clinic_signed_session_locked ON clinic_treatmentsession",
    "DROP FUNCTION IF EXISTS clinic_refuse_signed_session()",
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
    dependencies = [("clinic", "0002_default_consent_forms")]
    operations = [migrations.RunPython(forwards, backwards)]
