"""What counts as content: the models editors change and the files that hold them.

Learners' data (progress, notes, quiz sittings) is never content: it is never exported,
loaded, or a reason to refresh cached pages.
"""

CONTENT_FILES = {
    "careers.json": [
        "careers.LifecycleStage",
        "careers.ToolCategory",
        "careers.Tool",
        "careers.Skill",
        "careers.Diagram",
        "careers.Role",
        "careers.RoleStage",
        "careers.RolePoint",
        "careers.RoleSkill",
        "careers.RoleTool",
        "careers.CareerLevel",
        "careers.ComparisonAspect",
        "careers.AspectValue",
        "careers.DataSystem",
        "careers.TeamMember",
        "careers.TeamHandoff",
        "careers.EntryPath",
        "careers.ProgressionStep",
        "careers.Guidance",
    ],
    "roadmaps.json": [
        "roadmaps.Project",
        "roadmaps.Roadmap",
        "roadmaps.RoadmapLevel",
        "roadmaps.RoadmapStep",
        "roadmaps.Resource",
    ],
    "quizzes.json": [
        "quizzes.Quiz",
        "quizzes.Question",
        "quizzes.Choice",
        "quizzes.ChoiceWeight",
    ],
}

CONTENT_MODELS = [label for labels in CONTENT_FILES.values() for label in labels]

# Learners' data, and the field of each row that names its learner: a change to any of them
# makes the learner's cached pages stale (core.cache).
LEARNER_MODELS = {
    "auth.User": "pk",
    "account.EmailAddress": "user_id",
    "accounts.Profile": "user_id",
    "roadmaps.Progress": "user_id",
    "roadmaps.Note": "user_id",
    "roadmaps.Follow": "user_id",
    "roadmaps.LearningPlan": "user_id",
    "quizzes.Sitting": "user_id",
}
