"""Public views of the QR code images; /q/<token>/ itself is the submission form."""

from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_GET

from deputies import qr
from deputies.models import QR_TOKEN_PATTERN, Deputy, Station


def find_holder(token):
    """The active or inactive deputy, or the station, that owns this token; None if unknown."""
    if not QR_TOKEN_PATTERN.fullmatch(token):
        return None
    deputy = Deputy.objects.select_related("photo", "station").filter(qr_token=token).first()
    return deputy or Station.objects.filter(qr_token=token).first()


@require_GET
def qr_image(request, token, fmt):
    holder = find_holder(token)
    if holder is None or fmt not in qr.FORMATS:
        raise Http404
    data, etag = qr.qr_image(holder.qr_url, fmt)
    quoted = f'"{etag}"'
    if quoted in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(data, content_type=qr.FORMATS[fmt])
    response["ETag"] = quoted
    # Short public caching: a rotated token must stop resolving within the hour.
    response["Cache-Control"] = "public, max-age=3600"
    return response
