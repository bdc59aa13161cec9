"""People, mounted at /coordinator/people/ (namespace "directory"). Coordinators only."""

from django.urls import path

from roundtable.workspace.views import payment_papers
from roundtable.workspace.views import people as views

app_name = "directory"
urlpatterns = [
    path("", views.people_list, name="people"),
    path("<int:person_id>/", views.person_detail, name="person"),
    path("<int:person_id>/letter-of-involvement.pdf", views.recognition_letter, name="recognition_letter"),
    path("<int:person_id>/letter-for-benefits-adviser.pdf", payment_papers.benefit_letter, name="benefit_letter"),
    path("<int:person_id>/merge/", views.person_merge_view, name="merge"),
    path("<int:person_id>/notes/", views.note_add_view, name="note_add"),
    path("<int:person_id>/notes/<int:note_id>/delete/", views.note_delete_view, name="note_delete"),
]
