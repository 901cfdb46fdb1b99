"""Learning resources as CSV rows, for editors' bulk editing (core/bulk.py).

A resource is found by its roadmap (the role's slug), level (stage), step (its position on
that level) and its own position on the step: the natural key the content files use."""

from import_export.fields import Field
from import_export.widgets import Widget

from core.bulk import ContentResource
from roadmaps.models import Resource, RoadmapStep, Stage


class StepWidget(Widget):
    """A step by its position, on the level the row's `roadmap` and `stage` columns name."""

    def clean(self, value, row=None, **kwargs):
        roadmap = str(row.get("roadmap") or "").strip()
        stage = str(row.get("stage") or "").strip()
        if stage not in Stage.values:
            raise ValueError(f"The stage must be one of {', '.join(Stage.values)}, not “{stage}”.")
        try:
            position = int(str(value).strip())
        except ValueError:
            raise ValueError(
                f"The step must be a step's position (a number), not “{value}”."
            ) from None
        step = RoadmapStep.objects.filter(
            level__roadmap__role__slug=roadmap, level__stage=stage, position=position
        ).first()
        if step is None:
            raise ValueError(
                f"The {stage} level of the “{roadmap}” roadmap has no step at position {position}."
            )
        return step

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value.position)


class ResourceResource(ContentResource):
    roadmap = Field(
        attribute="step__level__roadmap__role__slug", column_name="roadmap", readonly=True
    )
    stage = Field(attribute="step__level__stage", column_name="stage", readonly=True)
    step = Field(attribute="step", column_name="step", widget=StepWidget())
    step_name = Field(attribute="step__name", column_name="step_name", readonly=True)

    class Meta(ContentResource.Meta):
        model = Resource
        name = "Learning resources (roadmap, stage, step, position, title, url, is_free)"
        fields = ["roadmap", "stage", "step", "step_name", "position", "title", "url", "is_free"]
        import_id_fields = ["step", "position"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("step__level__roadmap__role", "step__skill", "step__project")
        )
