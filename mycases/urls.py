from django.urls import path

from mycases import views

urlpatterns = [
    path("my-cases/", views.start, name="my_cases"),
    path("my-cases/code/", views.verify, name="my_cases_code"),
    path("my-cases/list/", views.listing, name="my_cases_list"),
    path("my-cases/close/", views.close, name="my_cases_close"),
]
