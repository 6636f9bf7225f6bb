from django.conf import settings
from django.http import FileResponse, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from uploads import storage


@require_GET
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def index(request):
    page = (
        "<!doctype html><title>uploads</title>"
        f'<link rel="stylesheet" href="{static("uploads/style.css")}">'
        '<form method="post" action="/upload" enctype="multipart/form-data">'
        '<input type="file" name="file"><button>Upload</button></form>'
    )
    return HttpResponse(page)


@csrf_exempt  # an API for scripts; no cookies, no sessions
@require_POST
def upload(request):
    sent = request.FILES.get("file")
    if sent is None:
        return JsonResponse({"error": "send the file in a multipart field named 'file'"}, status=400)
    if sent.size > settings.MAX_UPLOAD_BYTES:
        return JsonResponse({"error": "file too large"}, status=413)
    if not storage.is_safe_name(sent.name):
        return JsonResponse({"error": "file name must match [A-Za-z0-9._-]"}, status=400)
    size = storage.save(sent.name, sent.chunks())
    return JsonResponse({"name": sent.name, "bytes": size, "url": f"/uploads/{sent.name}"}, status=201)


@require_GET
def download(request, name):
    path = storage.upload_path(name)
    if not storage.is_safe_name(name) or not path.is_file():
        return JsonResponse({"error": "no such upload"}, status=404)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name)
