"""Accounts API: bearer tokens for API clients, and who the caller is."""

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.security import HttpBearer

from . import selectors, services
from .models import User


class BearerToken(HttpBearer):
    """Authenticates `Authorization: Bearer <token>`; pages use the session instead."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = selectors.user_for_token(token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["accounts"])


class TokenRequest(Schema):
    email: str
    password: str
    otp: str | None = Field(
        None,
        description="A current authenticator code, or a recovery code (spent on use); required "
        "for every account with two-factor authentication.",
    )


class SignInErrorDetail(Schema):
    code: str
    message: str
    field: str | None


class SignInErrorOut(Schema):
    error: SignInErrorDetail


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"


class MeOut(Schema):
    email: str
    full_name: str
    role: str
    clinic_ids: list[int]


@router.post(
    "/auth/token",
    response={200: TokenOut, 401: SignInErrorOut, 403: SignInErrorOut, 429: SignInErrorOut},
    summary="Exchange email, password and second factor for a bearer token",
    description=(
        "401 `invalid_credentials`, `otp_required` or `invalid_otp`; 403 "
        "`mfa_enrolment_required` for a practitioner, manager or staff account that has not "
        "set up an authenticator on the website; 429 `too_many_attempts` after 5 failures for "
        "one account (locked for 15 minutes) or many from one address."
    ),
)
def create_token(request: HttpRequest, payload: TokenRequest) -> TokenOut:
    raw = services.issue_api_token(
        request=request, email=payload.email, password=payload.password, otp=payload.otp
    )
    return TokenOut(token=raw)


@router.get("/me", response=MeOut, auth=BearerToken(), summary="The signed-in account")
def me(request: HttpRequest) -> MeOut:
    user: User = request.auth  # type: ignore[attr-defined]
    return MeOut(
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        clinic_ids=list(selectors.member_clinic_ids(user)),
    )
