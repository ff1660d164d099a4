from django.urls import path

from . import views

# Staff pages, outside the language prefix, next to the admin.
staff_urlpatterns = [
    path("staff/exports/", views.export_list, name="exports"),
    path("staff/exports/state.json", views.export_states, name="export_states"),
    path(
        "staff/exports/<id:export_id>/download/",
        views.export_download,
        name="export_download",
    ),
]
