"""Work that must not make the response wait, nor show in how long it takes to come.

``defer(task)`` runs task once the current request's response has been sent: the WSGI server
closes the response after writing it, and closing sends ``request_finished`` in the thread that
served the request. Outside a request (a command, a shell) the task runs at once. A task that
fails is logged; the response has gone already.
"""

import logging
import threading

from django.core.signals import request_finished, request_started

logger = logging.getLogger(__name__)
_state = threading.local()


def defer(task):
    tasks = getattr(_state, "tasks", None)
    if tasks is None:
        task()
    else:
        tasks.append(task)


def _begin(**kwargs):
    _state.tasks = []


def _finish(**kwargs):
    tasks, _state.tasks = getattr(_state, "tasks", None) or [], None
    for task in tasks:
        try:
            task()
        except Exception:
            logger.exception("A task deferred until after the response failed")


def connect_signals():
    request_started.connect(_begin, dispatch_uid="portal.after_response.begin")
    request_finished.connect(_finish, dispatch_uid="portal.after_response.finish")
