"""Accounts that existed before email verification count as verified since they joined."""

from django.db import migrations
from django.db.models import F


def mark_verified(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_verified_at__isnull=True).update(email_verified_at=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_security_and_privacy")]

    operations = [migrations.RunPython(mark_verified, migrations.RunPython.noop)]
