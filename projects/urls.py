from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from . import dashboard_tables, decision_exports, feeds, views
from .exports import views as export_views

app_name = "projects"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="list"),
    path("projects/export.csv", export_views.export_csv, name="export_csv"),
    path("projects/export.json", export_views.export_json, name="export_json"),
    path("projects/export.xlsx", export_views.export_xlsx, name="export_xlsx"),
    path("projects/<str:slug>/", views.project_detail, name="detail"),
    path("projects/<str:slug>/feed.atom", feeds.ProjectDecisionFeed(), name="project_feed"),
    path("beslut/feed.atom", feeds.DecisionFeed(), name="decision_feed"),
    path("beslut/export.csv", decision_exports.export_csv, name="decision_export_csv"),
    path("beslut/export.xlsx", decision_exports.export_xlsx, name="decision_export_xlsx"),
    path("dashboard/<slug:table>.csv", dashboard_tables.table_csv, name="dashboard_table_csv"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path(
        "organisations/<int:pk>/feed.atom",
        feeds.OrganisationDecisionFeed(),
        name="organisation_feed",
    ),
    # Swedish paths, translated for English pages (/en/about-the-data/); an English page asked
    # for by its Swedish path redirects to its own.
    path(_("lan/<str:code>/"), views.county_detail, name="county"),
    path(_("om-data/"), views.about, name="about"),
    path(_("tillganglighet/"), views.accessibility, name="accessibility"),
    path(_("oppna-data/"), views.open_data, name="open_data"),
    path("om-data/", RedirectView.as_view(pattern_name="projects:about", permanent=True)),
    path("lan/<str:code>/", RedirectView.as_view(pattern_name="projects:county", permanent=True)),
    path("oppna-data/", RedirectView.as_view(pattern_name="projects:open_data", permanent=True)),
    path(
        "tillganglighet/",
        RedirectView.as_view(pattern_name="projects:accessibility", permanent=True),
    ),
]
