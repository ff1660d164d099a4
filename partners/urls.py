from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("<int:pk>/logo/", views.logo, name="logo"),
]
