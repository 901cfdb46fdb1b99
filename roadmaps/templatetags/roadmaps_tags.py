from django import template
from django.utils.safestring import mark_safe

from careers import comparison
from roadmaps import diagrams as roadmap_diagrams
from roadmaps.models import Proficiency, Status
from roadmaps.overview import learner_states, visitor_statuses
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
    states = learner_states(context["request"])
    skills = {slug: state for (kind, slug), state in states.items() if kind == "skill"}
    done = {slug for slug, state in skills.items() if state.status == Status.DONE}
    proficient = frozenset(
        slug for slug, state in skills.items() if state.proficiency == Proficiency.PROFICIENT
    )
    return {"gaps": comparison.learner_gaps(roles, done, proficient), "roles": roles}


@register.inclusion_tag("roadmaps/includes/your_skill.html", takes_context=True)
def your_skill(context, skill):
    """On a skill's page, a signed-in learner's status, proficiency and review date for it
    (from the progress row the menu reads anyway); nothing for visitors, whose page is shared."""
    request = context["request"]
    if not request.user.is_authenticated:
        return {"state": None}
    state = learner_states(request).get(("skill", skill.slug))
    return {"state": state, "skill": skill, "statuses": Status, "proficiencies": Proficiency}


@register.filter
def status_label(value) -> str:
    return Status(value).label


@register.filter
def proficiency_label(value) -> str:
    return Proficiency(value).label.lower()
