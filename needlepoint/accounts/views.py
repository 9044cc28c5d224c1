"""Account pages: sign-up and email verification, sign in (password, then the second factor or
its enrolment), account security and recovery codes, password reset, sign out."""

import time
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from needlepoint.errors import ApiError

from . import auth_services, mfa, services
from .auth_services import SignInRefused
from .models import RecoveryCode, User

PENDING_KEY = "signin_pending"
ENROL_SECRET_KEY = "mfa_enrol_secret"
# Between a right password and the second factor: long enough to scan a QR code, no longer.
PENDING_SECONDS = 10 * 60


class SignInForm(forms.Form):
    username = forms.EmailField(label="Email")
    password = forms.CharField(widget=forms.PasswordInput, strip=False)


class CodeForm(forms.Form):
    code = forms.CharField(max_length=40, strip=True)


class SignUpForm(forms.Form):
    email = forms.EmailField(max_length=254)
    full_name = forms.CharField(max_length=200, label="Your name")
    password = forms.CharField(widget=forms.PasswordInput, strip=False)


def signed_in(request: HttpRequest) -> User:
    return cast(User, request.user)


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _backend(user: User) -> str:
    """The authentication backend that accepted the password (set by authenticate())."""
    return str(getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]))


def _start_pending(request: HttpRequest, user: User, next_url: str) -> None:
    """The half-signed-in state: the password was right, the second factor is still owed."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": _backend(user),
        "next": next_url,
        "since": time.time(),
    }


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    state = request.session.get(PENDING_KEY)
    if not isinstance(state, dict) or time.time() - state.get("since", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user_id = state.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return (user, state) if user is not None else None


def _complete_sign_in(
    request: HttpRequest, user: User, *, backend: str, next_url: str
) -> HttpResponse:
    _finish_sign_in(request, user, backend=backend)
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _finish_sign_in(request: HttpRequest, user: User, *, backend: str) -> None:
    auth_login(request, user, backend=backend)
    request.session.pop(PENDING_KEY, None)
    request.session.pop(ENROL_SECRET_KEY, None)
    seconds = auth_services.session_seconds(user)
    if seconds is not None:
        request.session.set_expiry(seconds)
    if user.email_verified_at is None:
        messages.info(
            request,
            format_html(
                "Please confirm your email address with the link we sent you. "
                '<a href="{}">Send a new link</a>',
                reverse("accounts:security"),
            ),
        )


@sensitive_post_parameters("password")
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    """Step one: email and password. Then the second factor, its enrolment, or signed in."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = auth_services.check_password(
                request=request,
                email=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except SignInRefused as refusal:
            form.add_error(None, refusal.message)
            status = 429 if refusal.reason in {"locked", "throttled"} else 200
        else:
            if auth_services.confirmed_device(user) is not None:
                _start_pending(request, user, next_url)
                return redirect("accounts:login-verify")
            if auth_services.mfa_required(user):
                _start_pending(request, user, next_url)
                return redirect("accounts:mfa-enrol")
            return _complete_sign_in(request, user, backend=_backend(user), next_url=next_url)
    context = {"form": form, "next": next_url}
    return render(request, "accounts/login.html", context, status=status)


@sensitive_post_parameters("code")
@never_cache
def login_verify(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the authenticator app, or a recovery code."""
    pending = _pending(request)
    if pending is None:
        messages.info(request, "Please sign in again: that took too long.")
        return redirect("accounts:login")
    user, state = pending
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            kind = auth_services.check_second_factor(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except SignInRefused as refusal:
            if refusal.reason in {"locked", "throttled"}:
                request.session.pop(PENDING_KEY, None)
                messages.error(request, refusal.message)
                return redirect("accounts:login")
            form.add_error("code", refusal.message)
            status = 200
        else:
            if kind == "recovery":
                left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. "
                    "Make new ones on your account security page.",
                )
            return _complete_sign_in(
                request, user, backend=state["backend"], next_url=state["next"]
            )
    return render(request, "accounts/login_verify.html", {"form": form}, status=status)


@sensitive_post_parameters("code")
@never_cache
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: required before a clinic role's first sign-in completes,
    optional for a signed-in client. Shows the recovery codes once when confirmed."""
    pending = _pending(request)
    if pending is not None:
        user, state = pending
    elif request.user.is_authenticated:
        user, state = signed_in(request), None
    else:
        return redirect("accounts:login")
    if auth_services.confirmed_device(user) is not None:
        return redirect("accounts:login-verify" if state else "accounts:security")
    stored = request.session.get(ENROL_SECRET_KEY)
    if not isinstance(stored, dict) or stored.get("user") != user.pk:
        stored = {"user": user.pk, "secret": mfa.new_secret()}
        request.session[ENROL_SECRET_KEY] = stored
    secret = stored["secret"]
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = auth_services.confirm_device(
                user=user, secret=secret, code=form.cleaned_data["code"]
            )
        except SignInRefused:
            form.add_error(
                "code", "That code does not match. Check the app shows Needlepoint and try again."
            )
        else:
            request.session.pop(ENROL_SECRET_KEY, None)
            next_url = reverse("accounts:security")
            if state is not None:
                _finish_sign_in(request, user, backend=state["backend"])
                next_url = state["next"] or resolve_url(settings.LOGIN_REDIRECT_URL)
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url}
            )
    uri = mfa.provisioning_uri(secret, user.email)
    context = {
        "form": form,
        "qr": mfa.qr_svg(uri),
        "secret": mfa.grouped(secret),
        "required": auth_services.mfa_required(user),
    }
    return render(request, "accounts/mfa_enrol.html", context)


@login_required
@never_cache
def security(request: HttpRequest) -> HttpResponse:
    """Account security: email verification, the authenticator, recovery codes left."""
    user = signed_in(request)
    context = {
        "device": auth_services.confirmed_device(user),
        "required": auth_services.mfa_required(user),
        "recovery_left": RecoveryCode.objects.filter(user=user, used_at__isnull=True).count(),
        "form": CodeForm(),
    }
    return render(request, "accounts/security.html", context)


@require_POST
@login_required
@sensitive_post_parameters("code")
@never_cache
def mfa_remove(request: HttpRequest) -> HttpResponse:
    """Removes the authenticator, proven with a current code. A clinic role goes straight on to
    enrol the new one; should they leave, their next sign-in will not finish without it."""
    user = signed_in(request)
    form = CodeForm(request.POST)
    if auth_services.confirmed_device(user) is None or not form.is_valid():
        return redirect("accounts:security")
    try:
        auth_services.remove_device(request=request, user=user, code=form.cleaned_data["code"])
    except SignInRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("accounts:security")
    if auth_services.mfa_required(user):
        messages.info(request, "Scan the new code with the app on your new phone.")
        return redirect("accounts:mfa-enrol")
    messages.success(request, "Two-factor authentication is off.")
    return redirect("accounts:security")


@require_POST
@login_required
@sensitive_post_parameters("code")
@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (every earlier one stops working), proven with a current code."""
    user = signed_in(request)
    form = CodeForm(request.POST)
    if auth_services.confirmed_device(user) is None or not form.is_valid():
        return redirect("accounts:security")
    try:
        auth_services.check_second_factor(
            request=request, user=user, code=form.cleaned_data["code"]
        )
    except SignInRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("accounts:security")
    codes = auth_services.replace_recovery_codes(user=user)
    context = {"codes": codes, "next": reverse("accounts:security")}
    return render(request, "accounts/recovery_codes.html", context)


@sensitive_post_parameters("password")
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    """A new client account. Signed in at once; the email is to be confirmed by its link."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_client(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
            )
        except ApiError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            status = error.status
        else:
            auth_login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request, f"Welcome! We sent a link to {user.email}: open it to confirm the address."
            )
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    elif request.method == "POST":
        status = 422
    context = {"form": form, "next": next_url, "password_help": _password_help()}
    return render(request, "accounts/signup.html", context, status=status)


def _password_help() -> list[str]:
    return password_validators_help_texts()


@never_cache
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the verification e-mail."""
    try:
        user = services.verify_email(token=token)
    except services.VerificationFailed as failure:
        context = {"failure": failure.reason}
        return render(request, "accounts/verify_email.html", context, status=400)
    return render(request, "accounts/verify_email.html", {"verified": user})


@require_POST
@login_required
def resend_verification(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if user.email_verified_at is not None:
        messages.info(request, "Your email address is already confirmed.")
    elif services.resend_verification_email(user=user):
        messages.success(request, f"We sent a new link to {user.email}.")
    else:
        messages.info(request, "We sent a link less than a minute ago: please check your inbox.")
    return redirect("accounts:security")


_reset_context = {"site_url": settings.SITE_URL.rstrip("/")}
password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    extra_email_context=_reset_context,
    success_url=reverse_lazy("accounts:password-reset-done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password-reset-complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
logout = auth_views.LogoutView.as_view()
