from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/", views.quiz_list, name="quiz_list"),
    path("review/", views.review, name="review"),
    path("review/start/", views.review_begin, name="review_start"),
    path("review/check/", views.review_check, name="review_check"),
    path("dashboard/quizzes/", views.sitting_history, name="sitting_history"),
    path("quizzes/<slug:slug>/", views.quiz_detail, name="quiz_detail"),
    path("quizzes/<slug:slug>/start/", views.quiz_start, name="quiz_start"),
    path("quizzes/<slug:slug>/sittings/", views.sitting_create, name="sitting_create"),
    path(
        "quizzes/<slug:slug>/sittings/<uuid:sitting_id>/",
        views.sitting_detail,
        name="sitting_detail",
    ),
    path(
        "quizzes/<slug:slug>/sittings/<uuid:sitting_id>/answer/",
        views.sitting_answer,
        name="sitting_answer",
    ),
    path(
        "quizzes/<slug:slug>/sittings/<uuid:sitting_id>/result/",
        views.sitting_result,
        name="sitting_result",
    ),
]
