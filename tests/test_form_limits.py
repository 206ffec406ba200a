"""Forms take their length limits from the model fields they fill (issue 14): no form accepts
more than its column keeps, and a column made longer lets its forms take more with no second
edit. Every limited text field of every form is accounted for, so a new one must say what it
fills."""

import inspect

import pytest
from django import forms

from submissions import action_forms
from submissions import forms as case_forms
from submissions.models import Assignment, Case, CaseEvent, Feedback
from visits import forms as visit_forms
from visits.models import Visit

# Where the form field's name is the model field's, on the first of these models that has it.
MODELS = [Case, Feedback, Assignment, Visit]

# Form fields named otherwise than the column they fill.
FILLS = {
    ("RejectForm", "reason"): (Case, "status_reason"),
    ("ReturnForm", "reason"): (Assignment, "return_reason"),
    ("SendBackForm", "reason"): (Assignment, "sent_back_reason"),
    ("RequestExtensionForm", "reason"): (Assignment, "extension_reason"),
    ("ReplyForm", "text"): (Assignment, "reply_text"),
    ("MergeForm", "target"): (Case, "reference"),
}

# Shorter than the column on purpose: a note is one entry of the log, whose column also keeps
# longer texts written by the workflow.
SHORTER = {
    ("NoteForm", "text"): (CaseEvent, "note"),
    ("DecideExtensionForm", "note"): (CaseEvent, "note"),
}

# Limits of what is typed, not of a column: a tracking code typed with spaces and dashes, the
# signed list of photos kept across a failed post.
NOT_A_COLUMN = {("TrackForm", "code"), ("SubmissionForm", "kept_photos")}


def limited_fields():
    for module in (case_forms, action_forms, visit_forms):
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            for field_name, field in form.base_fields.items():
                if getattr(field, "max_length", None) is not None:
                    yield name, field_name, field.max_length


def column_of(form_name, field_name):
    if (form_name, field_name) in FILLS:
        model, name = FILLS[form_name, field_name]
        return model._meta.get_field(name)
    for model in MODELS:
        if any(field.name == field_name for field in model._meta.concrete_fields):
            return model._meta.get_field(field_name)
    return None


FIELDS = list(limited_fields())


def test_the_forms_have_limited_fields_to_check():
    assert len(FIELDS) > 40  # the public, staff, action and visit forms were all found


@pytest.mark.parametrize(("form", "field", "limit"), FIELDS, ids=[f"{f}.{n}" for f, n, _ in FIELDS])
def test_a_forms_limit_is_the_limit_of_the_column_it_fills(form, field, limit):
    if (form, field) in NOT_A_COLUMN:
        return
    if (form, field) in SHORTER:
        model, name = SHORTER[form, field]
        assert limit < model._meta.get_field(name).max_length
        return
    column = column_of(form, field)
    assert column is not None, f"{form}.{field}: say which column it fills (FILLS) or why not"
    assert limit == column.max_length, f"{form}.{field} restates {limit}, not {column}'s"
