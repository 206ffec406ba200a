from django.urls import path

from submissions import form_views, views

urlpatterns = [
    path("q/<str:token>/", views.qr_entry, name="qr_entry"),
    path("submit/", views.submit, name="submit"),
    path("submit/done/<str:reference>/", views.submission_done, name="submission_done"),
    path("track/", views.track, name="track"),
    path("track/<str:token>/", views.track_link, name="track_link"),
    path("submit/similar/", form_views.similar_items, name="similar_items"),
    path("submit/kept/<str:token>/<str:photo>/", form_views.kept_photo, name="kept_photo"),
]
