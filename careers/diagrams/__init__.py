"""What the site's diagrams show, computed from the content and drawn by the templates in
`templates/diagrams/` (through the tags in `careers/templatetags/diagrams.py`).

- `drawing`: colours and chart geometry, the same whatever the content;
- `team`: the ML team chart and the lifecycle stage map;
- `salaries`: every role's salary range on one scale;
- `matrix`: the four core roles side by side;
- `illustrations`: the diagrams a role page shows (ETL between OLTP and OLAP, a sample
  dashboard, a workflow, a system architecture), from the `Diagram` editors keep in the admin.

The functions read objects the page has already fetched (select_related and prefetch caches),
so a diagram adds no query per row.
"""

# Other apps' diagrams (the roadmap timelines) colour roles the same way.
from careers.diagrams.drawing import role_color

__all__ = ["role_color"]
