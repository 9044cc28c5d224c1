"""Accounts API: bearer tokens for API clients, and who the caller is."""

from django.http import HttpRequest
from ninja import Router, Schema
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
    otp: str | None = None


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
    response={200: TokenOut},
    summary="Exchange email and password for a bearer token",
)
def create_token(request: HttpRequest, payload: TokenRequest) -> TokenOut:
    raw = services.issue_api_token(request=request, email=payload.email, password=payload.password)
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
