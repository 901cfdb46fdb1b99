"""A link found broken reads as quiet text on the roadmap page, in light and dark mode."""

import pytest
from django.db.models import F

from roadmaps.models import LinkStatus, Resource
from tests.browser import assert_no_axe_violations
from tests.content import build_content, build_roadmaps

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("mode", ["page", "page_dark"])
def test_a_broken_link_s_note_passes_axe(transactional_db, request, mode):
    roadmap = build_roadmaps(build_content())[0]
    resource = Resource.objects.filter(step__level__roadmap=roadmap).first()
    Resource.objects.filter(pk=resource.pk).update(
        link_status=LinkStatus.BROKEN, link_problem="404 Not Found", link_checked_url=F("url")
    )
    tab = request.getfixturevalue(mode)
    tab.goto(roadmap.get_absolute_url())
    item = tab.locator(f"#step-{resource.step_id} .resource-list li").first
    assert item.inner_text().startswith(f"{resource.title} (link may be broken)")
    assert item.get_by_role("link").count() == 0
    assert_no_axe_violations(tab, context=f"#step-{resource.step_id}")
