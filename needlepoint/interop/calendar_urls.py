"""Routes of this part of interop (filled in by its builder)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
