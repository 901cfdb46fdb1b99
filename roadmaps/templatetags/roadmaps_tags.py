from django import template
from django.utils.safestring import mark_safe

from careers import comparison
from roadmaps import diagrams as roadmap_diagrams
from roadmaps.models import Progress, Status
from roadmaps.overview import visitor_statuses
from roadmaps.page import progress_bar

register = template.Library()


@register.simple_tag(name="progress_bar")
def progress_bar_tag(tally):
    return progress_bar(tally)


@register.simple_tag
def slot(kind: str, key) -> str:
    """Where a learner's state goes in content rendered for every viewer (roadmaps/page.py)."""
    return mark_safe(f"<!--slot:{kind}:{key}-->")


@register.inclusion_tag("roadmaps/follow.html#follow-control", takes_context=True)
def follow_button(context, roadmap, following: bool, label: str = "", in_page_form=False):
    """The control that makes a roadmap the learner's goal, or stops following it: a form of
    its own, or (`in_page_form`) a button of the roadmap page's one form."""
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "roadmap": roadmap,
        "following": following,
        "label": label,
        "in_page_form": in_page_form,
    }


@register.filter
def is_in(value, container) -> bool:
    return value in container


@register.filter
def is_learning(step, statuses) -> bool:
    return statuses.get(step.target_key) == Status.LEARNING


@register.filter
def level_progress(level, statuses):
    """A level's tally for these statuses (from the prefetched steps)."""
    return level.progress_for(statuses)


@register.inclusion_tag("diagrams/roadmaps_timeline.html", takes_context=True)
def roadmaps_timeline(context, roadmaps):
    """Every roadmap on one timeline. `roadmaps` is the list page's (roadmap, tally) pairs;
    the visitor's statuses cost one query when signed in."""
    request = context.get("request")
    statuses = visitor_statuses(request) if request else {}
    return {
        "stages": roadmap_diagrams.roadmaps_timeline([pair[0] for pair in roadmaps], statuses),
        "has_progress": bool(statuses),
    }


@register.inclusion_tag("careers/compare.html#learner-gaps", takes_context=True)
def learner_gaps(context, roles):
    """On a comparison, how far a signed-in learner is toward each role, from the skills they
    marked done (one query); nothing for visitors, whose page is shared."""
    user = context["request"].user
    if not roles or not user.is_authenticated:
        return {"gaps": None}
    done = {
        slug
        for (kind, slug), status in Progress.objects.for_user(user).statuses().items()
        if kind == "skill" and status == Status.DONE
    }
    return {"gaps": comparison.learner_gaps(roles, done), "roles": roles}
