from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from qunfang.api import api
from qunfang.core.access import public
from qunfang.core.views import healthz
from qunfang.lib.apps import app_modules

urlpatterns = [
    path(
        "accounts/login/",
        public(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    # The platform operator's tool only: it bypasses place scoping, so bureau roles never get in.
    path("operator/", admin.site.urls),
    # Each app's pages (lib/apps.py): a new app's urls.py is found without an edit here.
    *(path("", include(module)) for _config, module in app_modules("urls")),
]

# The database gone before a view ran (a failover) is "try again", not a server error.
handler500 = "qunfang.core.middleware.server_error"
