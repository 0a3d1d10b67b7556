from django.urls import path

from . import dashboard, views

app_name = "projects"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="list"),
    path("projects/<str:slug>/", views.project_detail, name="detail"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("om-data/", views.about, name="about"),
]
