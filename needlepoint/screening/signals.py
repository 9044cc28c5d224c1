"""What screening tells the apps to its right, which it may not import: a client has a new
screening (booking flags their upcoming appointments for review)."""

from django.dispatch import Signal

# Sent inside the transaction that stores the screening, with `record` and `previous` (the
# client's screening before it, or None).
screening_recorded = Signal()
