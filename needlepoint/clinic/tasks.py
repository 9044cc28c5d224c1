"""Background tasks of the clinical record: the day-1, -3 and -7 check-ins after a session, and
the notice to each client of a recalled cartridge lot (once per client and lot, from a
RecallNotice row the recall wrote).

As in scheduling/tasks.py: decide under a row lock whether the message is still due, write the
`Message` the client's account lists and mark the check-in sent, commit, and only then e-mail,
so an SMTP call never holds the database's write lock. A second run finds sent_at and does
nothing."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task  # Django 6: from django.tasks import task

from needlepoint.scheduling.models import Message
from needlepoint.scheduling.notifications import deliver, link, local_date

from . import checkins
from .followup_selectors import zone_of
from .models import CheckIn, RecallNotice, TreatmentSession

if TYPE_CHECKING:
    from django_tasks.base import Task  # Django 6: django.tasks.Task


def enqueue_at(task: "Task[..., Any]", *args: object, run_after: dt.datetime) -> None:
    """Queues `task` for `run_after`. A backend that cannot wait leaves it to the sweep
    (`manage.py send_due_check_ins`); a task already due goes straight in."""
    if run_after <= timezone.now():
        task.enqueue(*args)
    elif task.get_backend().supports_defer:
        task.using(run_after=run_after).enqueue(*args)


def check_in_due(check_in: CheckIn, now: dt.datetime) -> bool:
    """Unsent, unanswered, of a signed session, due, and not yet superseded by the next one."""
    session = check_in.session
    if check_in.sent_at is not None or check_in.answered_at is not None:
        return False
    if session.signed_at is None:
        return False
    return check_in.due_at <= now < session.performed_at + checkins.stale_after(check_in.day)


@task
def send_check_in(check_in_id: int) -> None:
    now = timezone.now()
    with transaction.atomic():
        check_in = (
            CheckIn.objects.select_for_update(of=("self",))
            .select_related(
                "session__client",
                "session__practitioner",
                "session__clinic",
                "session__appointment__location",
            )
            .filter(pk=check_in_id)
            .first()
        )
        if check_in is None or not check_in_due(check_in, now):
            return
        session = check_in.session
        body = render_to_string(
            "clinic/email/check_in.txt",
            {
                "client": session.client,
                "day": check_in.day,
                "practitioner": session.practitioner.full_name or session.clinic.name,
                "clinic": session.clinic.name,
                "performed_on": local_date(session.performed_at, zone_of(session)),
                "questions": checkins.questions_for(check_in.day),
                "link": link(f"/me/check-ins/{check_in.pk}/"),
            },
        )
        message = Message.objects.create(
            client=session.client,
            appointment=session.appointment,
            kind=Message.Kind.CHECK_IN,
            subject=f"How is your skin? Day-{check_in.day} check-in after your session",
            body=body.strip(),
        )
        check_in.sent_at = now
        check_in.save(update_fields=["sent_at"])
    deliver(message)


def send_due_check_ins() -> int:
    """Sends every check-in due now, in this process; returns how many it looked at. The task
    decides for itself, so this may run beside the queued jobs as often as you like."""
    now = timezone.now()
    oldest = now - checkins.stale_after(checkins.DAYS[-1])
    due = CheckIn.objects.filter(
        sent_at__isnull=True,
        answered_at__isnull=True,
        due_at__lte=now,
        session__signed_at__isnull=False,
        session__performed_at__gt=oldest,
    ).values_list("pk", flat=True)
    ids = list(due)
    for pk in ids:
        send_check_in.call(pk)
    return len(ids)


# --- Recall notices ---------------------------------------------------------------------------


@task
def send_recall_notice(notice_id: int) -> None:
    """Tells one client of a recalled lot used at their treatment, once."""
    with transaction.atomic():
        notice = (
            RecallNotice.objects.select_for_update(of=("self",))
            .select_related("client", "lot__clinic")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None or notice.sent_at is not None:
            return  # a second run of the same job, or the sweep was first
        lot, client = notice.lot, notice.client
        sessions = TreatmentSession.objects.filter(cartridge_lot=lot, client=client).order_by(
            "performed_at"
        )
        body = render_to_string(
            "clinic/email/recall.txt",
            {
                "client": client,
                "lot": lot,
                "clinic": lot.clinic,
                "dates": [s.performed_at for s in sessions],
                "phones": sorted(
                    {p for p in lot.clinic.locations.values_list("phone", flat=True) if p}
                ),
                "link": link("/me/consents/"),
            },
        )
        message = Message.objects.create(
            client=client,
            kind=Message.Kind.RECALL,
            subject=f"Important: {lot.clinic.name} recalls the needle cartridges used at your "
            f"treatment ({lot.brand}, lot {lot.lot_number})"[:200],
            body=body.strip(),
        )
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
    deliver(message)


def send_pending_recall_notices() -> int:
    """Sends every recall notice whose job was lost; returns how many it looked at."""
    ids = list(RecallNotice.objects.filter(sent_at__isnull=True).values_list("pk", flat=True))
    for pk in ids:
        send_recall_notice.call(pk)
    return len(ids)
