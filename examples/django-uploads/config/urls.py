from django.urls import path

from uploads import views

urlpatterns = [
    path("", views.index),
    path("healthz", views.healthz),
    path("upload", views.upload),
    path("uploads/<str:name>", views.download),
]
