from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Tranche administration"
admin.site.site_title = "Tranche"

urlpatterns = [
    path("", include("workspace.urls")),
    path("", include("core.urls")),
    path("compensation/", include("compensation.urls")),
    path("grants/", include("grants.urls")),
    path("reports/", include("reports.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
