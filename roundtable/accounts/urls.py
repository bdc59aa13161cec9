from django.urls import path

from roundtable.accounts import twofactor_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/code/", twofactor_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/", twofactor_views.two_factor_status, name="two_factor"),
    path("two-factor/set-up/", twofactor_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/saved/", twofactor_views.two_factor_saved, name="two_factor_saved"),
    path("two-factor/new-recovery-codes/", twofactor_views.two_factor_new_codes, name="two_factor_new_codes"),
    path("two-factor/turn-off/", twofactor_views.two_factor_off, name="two_factor_off"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
