from django.urls import path

from . import views

app_name = "enrollment"

urlpatterns = [
    path("apply/<id:cohort_id>/", views.apply, name="apply"),
    path("applications/lost-link/", views.lost_link, name="lost_link"),
    path("applications/<str:token>/", views.status, name="status"),
    path("applications/<str:token>/upload/", views.upload, name="upload"),
    path("applications/<str:token>/accept/", views.accept_offer, name="accept_offer"),
    path(
        "applications/<str:token>/decline/", views.decline_offer, name="decline_offer"
    ),
    path("applications/<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "applications/<str:token>/documents/<id:document_id>/",
        views.document,
        name="document",
    ),
    path("consent/<slug:kind>/", views.consent, name="consent"),
]

# Staff downloads live outside the language prefix, next to the admin.
staff_urlpatterns = [
    path(
        "staff/documents/<id:document_id>/",
        views.staff_document,
        name="staff_document",
    ),
]
