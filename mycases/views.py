"""查我的反映: a submitter proves their phone with an SMS code and sees all their cases."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mycases import codes, lists
from mycases.forms import CodeForm, PhoneForm
from portal import ratelimit
from submissions import masking, tracking


@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            codes.send(phone, ratelimit.client_ip(request))
        except codes.Refused as refused:
            form.add_error("phone", str(refused))
            return render(request, "mycases/phone.html", {"form": form}, status=429)
        # The code page is this POST's answer, so the number is carried by the form, never kept.
        return code_page(request, CodeForm(initial={"phone": phone}), phone)
    return render(request, "mycases/phone.html", {"form": form})


def code_page(request, form, phone, status=200):
    context = {
        "form": form,
        "masked_phone": masking.mask_phone(phone),
        "minutes": codes.CODE_MINUTES,
    }
    return render(request, "mycases/code.html", context, status=status)


@never_cache
@require_POST
def verify(request):
    form = CodeForm(request.POST)
    if not form.is_valid():
        if form.has_error("phone"):  # the hidden number was changed: start again
            return redirect("my_cases")
        return code_page(request, form, form.cleaned_data["phone"], status=400)
    phone = form.cleaned_data["phone"]
    try:
        codes.check(phone, form.cleaned_data["code"], ratelimit.client_ip(request))
    except codes.Refused as refused:
        form.add_error("code", str(refused))
        status = 429 if isinstance(refused, codes.Throttled) else 400
        return code_page(request, form, phone, status=status)
    lists.open_list(request, phone)
    return redirect("my_cases_list")


@never_cache
def listing(request):
    cases = lists.listed_cases(request)
    if cases is None:
        messages.info(
            request,
            _("For your privacy the list closes after a while: please confirm your phone again."),
        )
        return redirect("my_cases")
    page = Paginator(cases, 20).get_page(request.GET.get("page"))
    rows = [(case, tracking.link_path(case, tracking.LIST)) for case in page]
    return render(request, "mycases/list.html", {"cases_page": page, "rows": rows})


@never_cache
@require_POST
def close(request):
    lists.close_list(request)
    messages.info(request, _("Your list is closed."))
    return redirect("my_cases")
