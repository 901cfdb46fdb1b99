from django.urls import path

from roadmaps import views

app_name = "roadmaps"

urlpatterns = [
    path("roadmaps/", views.roadmap_list, name="roadmap_list"),
    path("roadmaps/<slug:slug>/", views.roadmap_detail, name="roadmap_detail"),
    path("roadmaps/<slug:slug>/follow/", views.roadmap_follow, name="roadmap_follow"),
    path("roadmaps/<slug:slug>/unfollow/", views.roadmap_unfollow, name="roadmap_unfollow"),
    path("roadmaps/<slug:slug>/next/", views.roadmap_next_step, name="roadmap_next_step"),
    path("roadmaps/<slug:slug>/steps/status/", views.roadmap_status, name="roadmap_status"),
    path(
        "roadmaps/<slug:slug>/steps/<int:step_id>/status/",
        views.step_status,
        name="step_status",
    ),
    path("roadmaps/<slug:slug>/steps/<int:step_id>/note/", views.step_note, name="step_note"),
    path("u/<str:username>/", views.public_progress, name="public_progress"),
]
