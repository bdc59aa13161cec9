from django.urls import path

from roundtable.involvement import views

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
    path("you/<str:token>/download/", views.download, name="download"),
    path("you/<str:token>/forget-me/", views.forget_me, name="forget_me"),
]
