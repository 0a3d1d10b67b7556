from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<str:slug>/", views.project_detail, name="detail"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
]
