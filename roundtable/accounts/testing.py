"""Test factories for the team's accounts (personas: coordinator, facilitator)."""

from __future__ import annotations

from roundtable.accounts.models import User

PASSWORD = "correct horse battery staple"


def make_coordinator(email: str = "coordinator@example.org", **extra) -> User:
    extra.setdefault("name", "Sam Coordinator")
    return User.objects.create_user(email=email, password=PASSWORD, role=User.Role.COORDINATOR, **extra)


def make_facilitator(email: str = "facilitator@example.org", **extra) -> User:
    extra.setdefault("name", "Alex Facilitator")
    return User.objects.create_user(email=email, password=PASSWORD, role=User.Role.FACILITATOR, **extra)


def sign_in_browser(target, live_server, user: User) -> None:
    """Sign a Playwright page (or browser context) in as `user` for browser tests, by handing it
    a session cookie; the sign-in form itself has its own tests."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = getattr(target, "context", target)  # a Page has .context; a BrowserContext is one
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
