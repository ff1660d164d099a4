from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("<id:pk>/logo/", views.logo, name="logo"),
]
