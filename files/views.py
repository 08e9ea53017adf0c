"""The "My files" dashboard page: list, upload (with progress when JavaScript runs), download, delete."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from audit import services as audit

from . import detection, downloads, selectors, services, uploads
from .forms import UploadForm
from .models import File


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# The CSRF check reads the body, so it runs only once the size cap is in
# place; an upload over the cap is refused before it (a refusal changes nothing).
@csrf_exempt
@login_required
def my_files(request):
    """List the user's own files; on POST, upload one."""
    if request.method != "POST":
        return _render(request, UploadForm(user=request.user))
    limit = uploads.install(request)
    request.POST  # noqa: B018 - parse the body now, under the cap
    if limit.exceeded:
        return _refuse(request, UploadForm(user=request.user), services.too_large_error())
    return _upload(request)


@csrf_protect
def _upload(request):
    form = UploadForm(request.POST, request.FILES, user=request.user)
    try:
        if form.is_valid():
            file = services.upload_file(
                user=request.user, uploaded=form.cleaned_data["file"], registration=form.cleaned_data["registration"]
            )
            messages.success(request, _("Uploaded %(name)s.") % {"name": file.filename})
            if _wants_json(request):
                return JsonResponse({"id": str(file.pk), "filename": file.filename, "redirect": request.path}, status=201)
            return redirect("files:list")
    except services.FileError as error:
        return _refuse(request, form, error)
    return _refuse(request, form, None)


def _refuse(request, form, error: services.FileError | None):
    """Answer a refused upload: the page with its errors, or JSON for the page's script."""
    errors = {field: [str(message) for message in field_errors] for field, field_errors in form.errors.items()}
    status, code = 400, "invalid"
    if error is not None:
        errors["file"] = [*errors.get("file", []), str(error.message)]
        status, code = error.status, error.code
    if _wants_json(request):
        detail = next(iter(errors.values()))[0]
        return JsonResponse({"code": code, "detail": detail, "fields": errors}, status=status)
    return _render(request, form, errors=errors, status=status)


def _render(request, form, *, errors=None, status=200):
    files = File.objects.filter(user=request.user).select_related("registration__event")
    return render(
        request,
        "files/my_files.html",
        {
            "form": form,
            "errors": errors or {},
            "files": files,
            "allowed": detection.allowed_labels(),
            "max_size": filesizeformat(settings.FILE_MAX_BYTES),
        },
        status=status,
    )


@login_required
def download(request, pk):
    """Send one of the user's files (staff: any file)."""
    return downloads.serve(_visible_file(request, pk))


@login_required
@require_POST
def delete(request, pk):
    """Delete one of the user's files (staff: any file)."""
    file = _visible_file(request, pk)
    audit.record(request, "file.delete", file, {"filename": file.filename})
    services.delete_file(file=file)
    messages.success(request, _("Deleted %(name)s.") % {"name": file.filename})
    return redirect("files:list")


def _visible_file(request, pk) -> File:
    return get_object_or_404(selectors.visible_files(user=request.user), pk=pk)
