from django.urls import path

from accounts import views

app_name = "accounts"

# No ids anywhere: every view works on request.user, so nobody can reach another's data.
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("export.json", views.export_json, name="export_json"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("delete/", views.delete, name="delete"),
]
