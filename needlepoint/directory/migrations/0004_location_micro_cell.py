"""The micro lattice (0.02°): the near-me search reads a metropolis in small rings, nearest
first, instead of whole 22-km cells. Existing locations get their cell here."""

from typing import Any

from django.db import migrations, models

from needlepoint.directory import geo

BATCH = 2000


def place_existing(apps: Any, schema_editor: Any) -> None:
    location_model = apps.get_model("directory", "Location")
    rows = location_model.objects.order_by("pk").values_list("pk", "latitude", "longitude")
    batch = []
    for pk, lat, lon in rows.iterator(chunk_size=BATCH):
        batch.append(location_model(pk=pk, micro_cell=geo.cells_of(lat, lon)["micro_cell"]))
        if len(batch) == BATCH:
            location_model.objects.bulk_update(batch, ["micro_cell"])
            batch = []
    location_model.objects.bulk_update(batch, ["micro_cell"])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_modification_times"),
    ]

    operations = [
        migrations.AddField(
            model_name="location",
            name="micro_cell",
            field=models.IntegerField(db_index=True, default=0, editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(place_existing, migrations.RunPython.noop, elidable=True),
    ]
