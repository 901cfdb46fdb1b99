from django import template

from roadmaps import diagrams as roadmap_diagrams

register = template.Library()


@register.filter
def level_progress(level, statuses):
    """A level's tally for these statuses (from the prefetched steps)."""
    return level.progress_for(statuses)


@register.inclusion_tag("diagrams/roadmap_timeline.html")
def roadmap_timeline(roadmap, levels):
    return {"roadmap": roadmap, "stages": roadmap_diagrams.roadmap_timeline(levels)}


@register.inclusion_tag("diagrams/roadmaps_timeline.html", takes_context=True)
def roadmaps_timeline(context, roadmaps):
    """Every roadmap on one timeline. `roadmaps` is the list page's (roadmap, tally) pairs;
    the visitor's statuses cost one query when signed in."""
    statuses = roadmap_diagrams.visitor_statuses(context.get("request"))
    return {
        "stages": roadmap_diagrams.roadmaps_timeline([pair[0] for pair in roadmaps], statuses),
        "has_progress": bool(statuses),
    }
