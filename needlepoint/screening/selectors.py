"""Named reads of screenings, through the one access function for them."""

from django.http import Http404

from needlepoint.accounts.models import User

from .models import ScreeningRecord


def screening_for(user: User, screening_id: int) -> ScreeningRecord:
    """A client's own screening; anyone else gets 404. (Clinic staff will read screenings on
    the client's chart, through the chart's access function.)"""
    record = ScreeningRecord.objects.filter(pk=screening_id, client_id=user.pk).first()
    if record is None or not user.is_authenticated:
        raise Http404("No such screening.")
    return record
