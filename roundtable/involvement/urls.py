from django.urls import path

from roundtable.involvement import benefit_views, views
from roundtable.involvement import team_views as team

app_name = "involvement"
urlpatterns = [
    path("you/", views.get_link, name="get_link"),
    path("you/sent/", views.link_sent, name="link_sent"),
    # Before the token routes, so "forgotten" is never read as a token.
    path("you/forgotten/", views.forgotten, name="forgotten"),
    path("you/<str:token>/", views.home, name="home"),
    path("you/<str:token>/booking/<int:booking_id>/", views.manage_booking, name="manage_booking"),
    path("you/<str:token>/details/", views.details, name="details"),
    path("you/<str:token>/consents/", views.consents, name="consents"),
    path("you/<str:token>/consents/<str:kind>/withdraw/", views.withdraw, name="withdraw"),
    path("you/<str:token>/payments/", views.payments, name="payments"),
    path("you/<str:token>/payments/<int:payment_id>/", views.payment_choice, name="payment_choice"),
    path("you/<str:token>/payments/booking/<int:booking_id>/claim/", views.expense_claim_view, name="expense_claim"),
    path("you/<str:token>/payments/booking/<int:booking_id>/travel/", views.travel_request_view, name="travel_request"),
    path("you/<str:token>/payments/<int:payment_id>/withdraw/", views.expense_withdraw_view, name="expense_withdraw"),
    path("you/<str:token>/payments/<int:payment_id>/receipt/", views.expense_receipt, name="expense_receipt"),
    # From a booking's own page (its manage link) to the person's Payments page.
    path("booking/<str:token>/payments/", views.booking_payments, name="booking_payments"),
    # Benefit-safe mode and employment status, the warning step, the letter and the statement.
    path("you/<str:token>/payments/about-you/", benefit_views.payment_profile, name="payment_profile"),
    path("you/<str:token>/payments/<int:payment_id>/check/", benefit_views.benefit_check_view, name="benefit_check"),
    path("you/<str:token>/payments/letter.pdf", benefit_views.benefit_letter, name="benefit_letter"),
    path("you/<str:token>/payments/statement/", benefit_views.payment_statement, name="payment_statement"),
    path("you/<str:token>/download/", views.download, name="download"),
    path("you/<str:token>/download/readable/", views.download_readable, name="download_readable"),
    path("you/<str:token>/download/readable/file/", views.download_readable_file, name="download_readable_file"),
    path("you/<str:token>/letter-of-involvement.pdf", views.letter, name="letter"),
    path("you/<str:token>/correction/", views.correction, name="correction"),
    path("you/<str:token>/correction/<int:request_id>/", views.correction_sent, name="correction_sent"),
    path("you/<str:token>/forget-me/", views.forget_me, name="forget_me"),
    # The team's side: requests about people's data (coordinators only).
    path("coordinator/requests/", team.request_list, name="request_list"),
    path("coordinator/requests/new/", team.request_add, name="request_add"),
    path("coordinator/requests/<int:request_id>/", team.request_detail, name="request_detail"),
    path("coordinator/requests/<int:request_id>/done/", team.request_done, name="request_done"),
    path("coordinator/requests/<int:request_id>/send-data/", team.request_send_data, name="request_send_data"),
    path("coordinator/requests/<int:request_id>/download/", team.request_download, name="request_download"),
    path("coordinator/requests/<int:request_id>/readable/", team.request_readable, name="request_readable"),
    path(
        "coordinator/requests/<int:request_id>/readable/file/", team.request_readable_file, name="request_readable_file"
    ),
    path("coordinator/requests/<int:request_id>/forget/", team.request_forget, name="request_forget"),
]
