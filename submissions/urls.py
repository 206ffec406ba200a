from django.urls import path

from submissions import views

urlpatterns = [
    path("q/<str:token>/", views.qr_entry, name="qr_entry"),
    path("submit/", views.submit, name="submit"),
    path("submit/done/<str:reference>/", views.submission_done, name="submission_done"),
    path("track/", views.track, name="track"),
    path("track/<str:token>/", views.track_link, name="track_link"),
]
