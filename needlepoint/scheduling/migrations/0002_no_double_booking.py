"""On PostgreSQL the database itself refuses two booked appointments of one practitioner whose
blocked times overlap. SQLite has no exclusion constraints; there the booking service checks
and inserts inside one BEGIN IMMEDIATE transaction (see settings and services.py)."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_no_double_booking
    EXCLUDE USING gist (practitioner_id WITH =, tstzrange(start, blocked_until, '[)') WITH &&)
    WHERE (status = 'booked');
"""
DROP = "ALTER TABLE scheduling_appointment DROP CONSTRAINT appointment_no_double_booking;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
