from django.urls import path

from accounts import views

app_name = "accounts"

# No ids anywhere: every view works on request.user, so nobody can reach another's data. The
# one exception, the digest's unsubscribe link, names its learner in a token the site signed.
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("export.json", views.export_json, name="export_json"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("import/", views.import_data, name="import"),
    path("delete/", views.delete, name="delete"),
    path("digest/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
]
