from django import template

register = template.Library()


@register.filter
def level_progress(level, statuses):
    """A level's tally for these statuses (from the prefetched steps)."""
    return level.progress_for(statuses)
