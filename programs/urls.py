from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("notices/consent/", views.notice_consent, name="notice_consent"),
    path("notices/<token:token>/", views.confirm_notice, name="confirm_notice"),
    path(
        "notices/<token:token>/unsubscribe/",
        views.unsubscribe,
        name="unsubscribe",
    ),
    path("<slug:slug>/", views.program_detail, name="detail"),
    path("<slug:slug>/eligibility/", views.eligibility_check, name="eligibility"),
    path("<slug:slug>/notify/", views.subscribe, name="subscribe"),
    path("<slug:slug>/notify/sent/", views.notice_sent, name="notice_sent"),
]
