from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    # Before the reports' pattern, which would take "proxy-package" for a report's name.
    path("proxy-package/", views.proxy_package, name="proxy-package"),
    path("ocf.zip", views.ocf_zip, name="ocf"),
    path("<slug:name>/", views.report_page, name="report"),
]
