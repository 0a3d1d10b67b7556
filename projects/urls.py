from django.urls import path

from . import dashboard, views
from .exports import views as export_views

app_name = "projects"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="list"),
    path("projects/export.csv", export_views.export_csv, name="export_csv"),
    path("projects/export.json", export_views.export_json, name="export_json"),
    path("projects/export.xlsx", export_views.export_xlsx, name="export_xlsx"),
    path("projects/<str:slug>/", views.project_detail, name="detail"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("om-data/", views.about, name="about"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
]
