from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"
urlpatterns = [
    path("", views.Root.as_view(), name="root"),
    path("projects/", views.ProjectList.as_view(), name="projects"),
    path("projects/<str:slug>/", views.ProjectDetail.as_view(), name="project"),
    path("organisations/", views.OrganisationList.as_view(), name="organisations"),
    path("organisations/<int:pk>/", views.OrganisationDetail.as_view(), name="organisation"),
    path("decisions/", views.DecisionList.as_view(), name="decisions"),
    path("codes/", views.CodeLists.as_view(), name="codes"),
    path("aggregates/", views.Aggregates.as_view(), name="aggregates"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
]
