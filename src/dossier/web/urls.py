"""Every URL of the workplace. Each area's module holds its own patterns (``views/*.py``)."""

from django.urls import include, path

from dossier.web.views import auth, home

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("", home.dashboard, name="dashboard"),
    path("", include("dossier.web.views.dossiers")),
    path("", include("dossier.web.views.review")),
    path("", include("dossier.web.views.intake")),
    path("", include("dossier.web.views.admin")),
    path("", include("dossier.web.views.compliance")),
    path("api/", include("dossier.web.views.api")),
]

handler403 = "dossier.web.views.home.forbidden"
handler404 = "dossier.web.views.home.not_found"
