"""What a visit raises enters the three lists: each item becomes a case with channel
"enterprise visit", in the same transaction as the visit, so a failure leaves nothing behind."""

from django.db import transaction
from django.utils.translation import gettext as _

from deputies.models import Station
from submissions.intake import create_case
from submissions.models import Case
from visits.models import Visit

# The deputies' names may run longer than the field that records who received the item.
RECEIVED_BY_LENGTH = Case._meta.get_field("received_by").max_length


def record_visit(*, actor, items=(), deputies=(), staff=(), **fields):
    """Save the visit and one case per raised item; all or nothing."""
    with transaction.atomic():
        visit = Visit(recorded_by=actor, **fields)
        visit.deputies.set(deputies)  # parental relations: written by save()
        visit.staff.set(staff)
        visit.save()
        add_items(visit, items, actor)
    return visit


def add_items(visit, items, actor):
    """Cases for items raised during visit: the enterprise, the visiting deputies and the
    in-person consent are filled in; they enter the intake queue like any other case."""
    deputies = list(visit.deputies.order_by("sort_order", "pk"))
    received_by = _("Visit: %(names)s") % {"names": "、".join(d.name for d in deputies)}
    cases = []
    with transaction.atomic():
        for item in items:
            case, _created = create_case(
                station=Station.default(),
                actor=actor,
                channel=Case.Channel.VISIT,
                kind=item["kind"],
                category=item["category"],
                title=item["title"],
                description=item["description"],
                enterprise=visit.enterprise,
                enterprise_name=visit.enterprise.name,
                submitter_name=item["submitter_name"],
                submitter_phone=item["submitter_phone"],
                consent_given=True,
                consent_in_person=True,
                allow_disclosure=item.get("allow_disclosure", False),
                deputy=deputies[0] if deputies else None,
                received_by=received_by[:RECEIVED_BY_LENGTH] if deputies else "",
                received_on=visit.date,
            )
            cases.append(case)
        visit.cases.add(*cases)
    return cases
