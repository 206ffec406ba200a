"""What other apps may hear from the workflow without the workflow knowing them."""

from django.dispatch import Signal

# Sent by every workflow move inside its transaction, after the case and its event are saved:
# a receiver's writes commit or roll back with the move. Keyword arguments: case (the saved,
# locked case), action (a workflow.TRANSITIONS key), from_status and actor (None for the
# public). Receivers are called robustly: an exception is logged and never undoes the move.
case_moved = Signal()
