"""Check-ins after a signed session: scheduled at day 1, 3 and 7 through the real database task
worker, sent once each, skipped when superseded or unsigned, and swept by the command."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from needlepoint.clinic import followup_services, tasks
from needlepoint.clinic.models import CheckIn, TreatmentSession
from needlepoint.scheduling.models import Message

from .factories import charted_session, make_setting

pytestmark = pytest.mark.django_db(transaction=True)


def check_in_mail() -> list[mail.EmailMessage]:
    """What the check-ins sent (the setting's booking sends its own confirmation)."""
    return [m for m in mail.outbox if "check-in" in m.subject]


def check_in_messages() -> list[Message]:
    return list(Message.objects.filter(kind=Message.Kind.CHECK_IN))


def run_worker() -> None:
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=20, worker_id="test-worker", excluded_queue_names=[],
    ).run()  # fmt: skip


def test_signing_schedules_three_check_ins_and_the_worker_sends_the_one_due() -> None:
    setting = make_setting()
    session = charted_session(setting, days_ago=2)

    followup_services.on_session_signed(session)
    run_worker()

    check_ins = list(CheckIn.objects.filter(session=session).order_by("day"))
    assert [c.day for c in check_ins] == [1, 3, 7]
    assert [c.due_at - session.performed_at for c in check_ins] == [
        dt.timedelta(days=1), dt.timedelta(days=3), dt.timedelta(days=7)
    ]  # fmt: skip
    assert check_ins[0].sent_at is not None
    assert check_ins[1].sent_at is None
    (email,) = check_in_mail()
    assert email.to == [setting.client.email]
    assert email.subject == "How is your skin? Day-1 check-in after your session"
    assert f"/me/check-ins/{check_ins[0].pk}/" in email.body
    assert "Is the treated skin still red?" in email.body
    (message,) = check_in_messages()
    assert (message.kind, message.client, message.body) == ("check_in", setting.client, email.body)
    assert message.emailed_at is not None
    waiting = {
        r.args_kwargs["args"][0]: r.run_after
        for r in DBTaskResult.objects.filter(
            status="READY", task_path__startswith="needlepoint.clinic"
        )
    }
    assert waiting == {check_ins[1].pk: check_ins[1].due_at, check_ins[2].pk: check_ins[2].due_at}


def test_signing_twice_and_running_each_task_twice_sends_once() -> None:
    setting = make_setting()
    session = charted_session(setting, days_ago=4)

    followup_services.on_session_signed(session)
    followup_services.on_session_signed(session)
    first = CheckIn.objects.get(session=session, day=1)
    tasks.send_check_in.enqueue(first.pk)
    run_worker()
    run_worker()

    assert CheckIn.objects.filter(session=session).count() == 3
    # Day 1 is superseded by day 3 (due a day ago): only the day-3 check-in goes out.
    assert [m.subject for m in check_in_messages()] == [
        "How is your skin? Day-3 check-in after your session"
    ]
    assert len(check_in_mail()) == 1
    assert CheckIn.objects.get(pk=first.pk).sent_at is None


def test_an_unsigned_or_answered_check_in_is_not_sent() -> None:
    setting = make_setting()
    draft = charted_session(setting, signed=False, days_ago=1)
    answered = charted_session(setting, days_ago=1)
    now = timezone.now()
    for session in (draft, answered):
        CheckIn.objects.create(
            session=session, day=1, due_at=session.performed_at + dt.timedelta(days=1)
        )
    CheckIn.objects.filter(session=answered).update(answered_at=now, answers={"redness": False})
    for check_in in CheckIn.objects.all():
        tasks.send_check_in.enqueue(check_in.pk)
    run_worker()

    assert check_in_messages() == []
    assert check_in_mail() == []


def test_the_sweep_sends_what_is_due_once_and_leaves_the_rest() -> None:
    setting = make_setting()
    recent = charted_session(setting, days_ago=3)
    old = charted_session(setting, days_ago=30)
    for session in (recent, old):
        CheckIn.objects.bulk_create(
            CheckIn(session=session, day=day, due_at=session.performed_at + dt.timedelta(days=day))
            for day in (1, 3, 7)
        )

    call_command("send_due_check_ins", verbosity=0)
    call_command("send_due_check_ins", verbosity=0)

    sent = CheckIn.objects.filter(sent_at__isnull=False)
    assert [(c.session_id, c.day) for c in sent] == [(recent.pk, 3)]
    assert len(check_in_mail()) == 1
    assert TreatmentSession.objects.count() == 2
