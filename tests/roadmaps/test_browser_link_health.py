"""A link found broken reads as quiet text on the roadmap page, in light and dark mode."""

import pytest
from django.db.models import F

from roadmaps.models import LinkStatus, Resource
from tests.browser import assert_no_axe_violations_in_light_and_dark
from tests.content import build_content, build_roadmaps

pytestmark = pytest.mark.browser


def test_a_broken_link_s_note_passes_axe(transactional_db, page):
    roadmap = build_roadmaps(build_content())[0]
    resource = Resource.objects.filter(step__level__roadmap=roadmap).first()
    Resource.objects.filter(pk=resource.pk).update(
        link_status=LinkStatus.BROKEN, link_problem="404 Not Found", link_checked_url=F("url")
    )
    page.goto(roadmap.get_absolute_url())
    item = page.locator(f"#step-{resource.step_id} .resource-list li").first
    assert item.inner_text().startswith(f"{resource.title} (link may be broken)")
    assert item.get_by_role("link").count() == 0
    assert_no_axe_violations_in_light_and_dark(page, context=f"#step-{resource.step_id}")
