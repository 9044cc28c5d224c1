"""Account pages: sign in and sign out (Django's own views with our templates)."""

from django.contrib.auth import views as auth_views

login = auth_views.LoginView.as_view(template_name="accounts/login.html")
logout = auth_views.LogoutView.as_view()
