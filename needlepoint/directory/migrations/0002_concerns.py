from django.db import migrations

# The eight concerns of the brief (CLINICAL-FACTS.md §1), copied here so that this migration
# does not change when the app's code does.
CONCERNS = [
    ("lines", "Fine lines"),
    ("wrinkles", "Wrinkles"),
    ("hyperpigmentation", "Hyper-pigmentation"),
    ("enlarged-pores", "Enlarged pores"),
    ("acne", "Acne"),
    ("scars", "Scars"),
    ("sun-damage", "Sun damage"),
    ("stretch-marks", "Stretch marks"),
]


def add_concerns(apps, schema_editor):
    Concern = apps.get_model("directory", "Concern")
    for position, (slug, name) in enumerate(CONCERNS):
        Concern.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(add_concerns, migrations.RunPython.noop)]
