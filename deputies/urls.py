from django.urls import path

from deputies import views

urlpatterns = [
    path("q/<str:token>/qr.<str:fmt>", views.qr_image, name="qr_image"),
]
