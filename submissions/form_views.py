"""Small views the public submission form calls: thumbnails of its kept photos and the
similar public items suggested as the title is typed."""

from django.http import FileResponse, Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal import ratelimit
from submissions import similar, staging

# A person typing a title asks a few times a minute (the script waits for a pause).
SIMILAR_RATE = (60, 60)


@never_cache
@require_GET
def kept_photo(request, token, photo):
    """A kept photo's thumbnail, only for the browser that uploaded it, and never cached."""
    try:
        kept = staging.read(token, staging.owner(request))
        match = next((k for k in kept if k.id == photo), None)
        if match is None:
            raise Http404
        return FileResponse(staging.open_thumbnail(match), content_type="image/jpeg")
    except staging.Refused:
        raise Http404 from None


@never_cache
@require_POST
def similar_items(request):
    """JSON {"items": [{"title", "url", "label"}]}: see submissions.similar. Posted, so that
    what a person types never sits in a URL, a server log or a proxy's cache."""
    if not ratelimit.hit(f"similar:{ratelimit.client_ip(request)}", *SIMILAR_RATE):
        return JsonResponse({"items": []}, status=429)
    return JsonResponse({"items": similar.suggest(request.POST.get("q", ""))})
