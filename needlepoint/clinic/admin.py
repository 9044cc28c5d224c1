"""Nothing of the clinical record is edited in the admin: charts are read and written through
their access-checked pages."""
