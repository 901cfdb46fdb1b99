from roadmaps.overview import reviews_due


def learner(request):
    # A callable, so pages that never show the menu's review count don't work it out; when the
    # page read the learner's progress already, it costs no query.
    return {"reviews_due": lambda: reviews_due(request)}
