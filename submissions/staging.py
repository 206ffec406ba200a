"""Photos kept across a form error, so that a forgotten box does not cost a slow upload again.

The photos were already cleaned (submissions.photos: checked, re-encoded, metadata gone) when
the form came back with an error. They wait in the private storage, which no URL serves, and
the form carries a signed token naming them. The token is bound to the browser that uploaded
them (a random value in its session) and expires after an hour: a forged, expired or borrowed
token names nothing. Files nobody used are deleted by the daily run (delete_expired).

Every try that comes back stages its new photos, so the files are bounded (room_for): per
address, since a client that drops its cookie is a new browser on each try, and overall,
since the daily run is what empties the folder."""

import io
import re
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image

from portal import ratelimit
from submissions.models import private_storage

SALT = "submissions.staging"
MAX_AGE = 60 * 60
FOLDER = "staged-photos"
OWNER_KEY = "staging_owner"
THUMBNAIL_SIDE = 240
NAME = re.compile(r"[A-Za-z0-9_-]{16}")


class Refused(Exception):
    """The token is forged, expired, from another browser, or its photos are gone."""


@dataclass(frozen=True)
class Kept:
    id: str
    width: int
    height: int

    @property
    def path(self):
        return f"{FOLDER}/{self.id}.jpg"

    @property
    def thumbnail_path(self):
        return f"{FOLDER}/{self.id}-t.jpg"


def owner(request, create=False):
    """The browser's staging identity; created only when there is something to keep."""
    if create and OWNER_KEY not in request.session:
        request.session[OWNER_KEY] = secrets.token_urlsafe(16)
    return request.session.get(OWNER_KEY)


def stage(content, size):
    """Store one cleaned photo (a ContentFile of a JPEG, its size) and a thumbnail of it."""
    kept = Kept(secrets.token_urlsafe(12), *size)
    storage = private_storage()
    content.seek(0)
    with Image.open(content) as image:
        image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80)
    content.seek(0)
    storage.save(kept.path, ContentFile(content.read()))
    storage.save(kept.thumbnail_path, ContentFile(buffer.getvalue()))
    return kept


def sign(owner_value, kept):
    return signing.dumps(
        {"o": owner_value, "p": [[k.id, k.width, k.height] for k in kept]}, salt=SALT
    )


def read(token, owner_value):
    """The photos a token names, or Refused."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        kept = [Kept(str(i), int(w), int(h)) for i, w, h in data["p"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise Refused from error
    if not owner_value or data.get("o") != owner_value:
        raise Refused
    storage = private_storage()
    if not all(NAME.fullmatch(k.id) and storage.exists(k.path) for k in kept):
        raise Refused  # already used by a submission, or swept away
    return kept


def load(kept):
    """(ContentFile, (width, height)) pairs, as submissions.intake.create_case takes photos, or
    Refused: read() saw the files, but a second tab or the daily run may have taken them since."""
    storage = private_storage()
    photos = []
    try:
        for k in kept:
            with storage.open(k.path) as file:
                photos.append((ContentFile(file.read(), name="photo.jpg"), (k.width, k.height)))
    except FileNotFoundError as error:
        raise Refused from error
    return photos


def open_thumbnail(kept):
    """The thumbnail file of one kept photo, or Refused if it went since read()."""
    try:
        return private_storage().open(kept.thumbnail_path)
    except FileNotFoundError as error:
        raise Refused from error


def discard(kept):
    storage = private_storage()
    for k in kept:
        storage.delete(k.path)
        storage.delete(k.thumbnail_path)


def delete_expired(now=None):
    """Delete the staged files older than a token lives; returns how many went."""
    storage = private_storage()
    if not storage.exists(FOLDER):
        return 0
    cutoff = (now or time.time()) - MAX_AGE
    _folders, files = storage.listdir(FOLDER)
    paths = [f"{FOLDER}/{name}" for name in files]
    old = [path for path in paths if storage.get_modified_time(path).timestamp() < cutoff]
    for path in old:
        storage.delete(path)
    return len(old)


def room_for(request, count):
    """Whether count more photos may be staged, counting them if so: STAGED_PHOTOS_PER_IP,
    then STAGED_PHOTOS_PER_DAY (an address over its share does not use up everyone's)."""
    limit, window = settings.STAGED_PHOTOS_PER_IP
    if not ratelimit.hit(f"staged-ip:{ratelimit.client_ip(request)}", limit, window, count):
        return False
    limit, window = settings.STAGED_PHOTOS_PER_DAY
    return ratelimit.hit("staged-all", limit, window, count)


def keep(request, form):
    """After a try that came back: the token and photos to show again. The photos the person
    removed go now; new photos that passed their checks join the kept ones, if there is room."""
    discard(form.removed)
    kept = list(form.kept)
    new = [] if "photos" in form.errors else form.cleaned_data.get("photos") or []
    if new and not room_for(request, len(new)):
        form.add_error(
            "photos",
            _("Your photos could not be kept this time. Please choose them again before sending."),
        )
        new = []
    kept += [stage(content, size) for content, size in new]
    if not kept:
        return "", []
    return sign(owner(request, create=True), kept), kept
