from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse_lazy

from roundtable.accounts.forms import NewPasswordForm, PasswordResetRequestForm, SignInForm
from roundtable.accounts.twofactor import has_two_factor
from roundtable.accounts.twofactor_views import start_second_step
from roundtable.core.ratelimit import allow, client_key

# Reset emails per address per hour: enough for a forgetful person, too few to flood an inbox.
PASSWORD_RESET_RATE = (5, 3600)


class BadInputStatusMixin:
    """A form shown again with mistakes answers 400, so it is never mistaken for success."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class SignInView(BadInputStatusMixin, auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if has_two_factor(user):
            # The password was right; the person is signed in only after the code.
            return start_second_step(self.request, user, self.get_success_url())
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429
        return response


class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response


class PasswordResetView(BadInputStatusMixin, auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Whether or not the address has an account, the page says the same thing, so the limit
        # is silent too: a refused request simply sends nothing.
        if allow("password-reset:" + client_key(self.request), PASSWORD_RESET_RATE):
            return super().form_valid(form)
        return super(auth_views.PasswordResetView, self).form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(BadInputStatusMixin, auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
