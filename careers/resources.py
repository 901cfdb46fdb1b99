"""The skill catalogue and the tools as CSV rows, for editors' bulk editing (core/bulk.py)."""

from import_export.fields import Field

from careers.models import Skill, Tool, ToolCategory
from core.bulk import ContentResource, SlugWidget


class SkillResource(ContentResource):
    class Meta(ContentResource.Meta):
        model = Skill
        name = "Skills (slug, name, group, description)"
        fields = ["slug", "name", "group", "description"]
        import_id_fields = ["slug"]


class ToolResource(ContentResource):
    category = Field(attribute="category", column_name="category", widget=SlugWidget(ToolCategory))

    class Meta(ContentResource.Meta):
        model = Tool
        name = "Tools (slug, name, category's slug, description)"
        fields = ["slug", "name", "category", "description"]
        import_id_fields = ["slug"]
