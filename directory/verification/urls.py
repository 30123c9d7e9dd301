from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>/", views.confirm, name="directory-verification"),
    path("<str:token>/update/", views.update, name="directory-verification-update"),
]
