from django.urls import path

from . import views

app_name = "enrollment"

urlpatterns = [
    path("apply/<id:cohort_id>/", views.apply, name="apply"),
    path("applications/lost-link/", views.lost_link, name="lost_link"),
    path("applications/<token:token>/", views.status, name="status"),
    path("applications/<token:token>/upload/", views.upload, name="upload"),
    path(
        "applications/<token:token>/contract-details/",
        views.customer_details,
        name="customer_details",
    ),
    path("applications/<token:token>/accept/", views.accept_offer, name="accept_offer"),
    path(
        "applications/<token:token>/decline/", views.decline_offer, name="decline_offer"
    ),
    path("applications/<token:token>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "applications/<token:token>/consents/<id:record_id>/withdraw/",
        views.withdraw_consent,
        name="withdraw_consent",
    ),
    path(
        "applications/<token:token>/documents/<id:document_id>/",
        views.document,
        name="document",
    ),
    path(
        "applications/<token:token>/contracts/<id:contract_id>/",
        views.contract_file,
        name="contract_file",
    ),
    path(
        "applications/<token:token>/contracts/<id:contract_id>/signed/",
        views.contract_signed,
        name="contract_signed",
    ),
    path(
        "applications/<token:token>/invoices/<id:invoice_id>/",
        views.invoice_file,
        name="invoice_file",
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
    path(
        "staff/documents/<id:document_id>/pages/<int:page>.png",
        views.staff_document_page,
        name="staff_document_page",
    ),
]
