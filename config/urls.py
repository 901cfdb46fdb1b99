from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views
from core import views as core_views
from quizzes import views as quizzes_views
from roadmaps import views as roadmaps_views

admin.site.site_header = "ML Career Paths — content"
admin.site.site_title = "ML Career Paths admin"
admin.site.index_title = "Content"
# Editors log in through allauth's login page, under its rate limits; the admin's own login
# form has none.
admin.site.login = secure_admin_login(admin.site.login)

# Error pages under /admin/ in the admin's look; the site's own elsewhere.
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found

urlpatterns = [
    path("", include("careers.urls")),
    path("", include("roadmaps.urls")),
    path("", include("quizzes.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("dashboard/", accounts_views.dashboard, name="dashboard"),
    path("plan/", roadmaps_views.plan, name="plan"),
    path("admin/statistics/", roadmaps_views.learner_statistics, name="learner_statistics"),
    path("admin/content-health/", quizzes_views.content_health, name="content_health"),
    path("admin/", admin.site.urls),
    # The account page and data export before allauth's URLs, which share the prefix.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
]
