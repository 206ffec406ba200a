"""The geometry of the statistics page's bar charts, so the template only places what is
computed here."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

COLUMN_LABELS = {"received": _("Cases received"), "closed": _("Cases closed")}
LABEL_WIDTH = 36  # per cent of the chart's width for the row labels
BAR_SPACE = 52  # per cent left for the longest bar; the rest holds its number
BAR_HEIGHT = 18
ROW_GAP = 10


@register.inclusion_tag("disclosure/includes/bar_chart.html")
def bar_chart(rows, title, *columns, label="name", chart_id="chart"):
    """Horizontal bars for rows from disclosure.stats: the first column's width is the row's
    "share", the others' "<column>_share" (all on one scale, 0-100)."""
    columns = columns or ("received",)
    row_height = BAR_HEIGHT * len(columns) + ROW_GAP
    bars = []
    for index, row in enumerate(rows):
        top = index * row_height
        items = []
        for offset, column in enumerate(columns):
            share = row["share"] if offset == 0 else row[f"{column}_share"]
            width = round(share * BAR_SPACE / 100, 2)
            items.append(
                {
                    "column": column,
                    "value": row[column],
                    "y": top + offset * BAR_HEIGHT,
                    "text_y": top + offset * BAR_HEIGHT + BAR_HEIGHT - 5,
                    "width": width,
                    "value_x": LABEL_WIDTH + width + 1,
                }
            )
        bars.append({"label": row[label], "text_y": top + BAR_HEIGHT - 5, "items": items})
    return {
        "chart_id": chart_id,
        "title": title,
        "bars": bars,
        "height": len(rows) * row_height,
        "label_width": LABEL_WIDTH,
        "legend": [(column, COLUMN_LABELS[column]) for column in columns],
    }
