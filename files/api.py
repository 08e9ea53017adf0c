"""API v1 routes of this app (included by eventhub/api.py): `files/` per DESIGN §4."""

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import services as audit
from eventhub.sanitise import MultiPartParser
from registrations.models import Registration

from . import downloads, selectors, services, uploads
from .models import File

app_name = "files_api"


class FileOwnerSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class FileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    user = FileOwnerSerializer(read_only=True, required=False, help_text="Who uploaded the file (admins and managers only).")

    class Meta:
        model = File
        fields = ["id", "filename", "filetype", "filesize", "registration", "created_at", "download_url", "user"]
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        # DESIGN §4's file fields for attendees; staff also see whose file it is (and the schema says so).
        describing = getattr(self.context.get("view"), "swagger_fake_view", False)
        if not describing and (request is None or not selectors.sees_owners(request.user)):
            fields.pop("user")
        return fields

    def get_download_url(self, file) -> str:
        url = reverse("files_api:file-download", args=[file.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    registration = serializers.PrimaryKeyRelatedField(
        queryset=Registration.objects.none(), required=False, allow_null=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Another user's registration is simply not among the choices: 400 with `fields`.
            self.fields["registration"].queryset = Registration.objects.filter(user=request.user)


class FileFilterSerializer(serializers.Serializer):
    event = serializers.UUIDField(required=False)
    registration = serializers.UUIDField(required=False)
    user = serializers.UUIDField(required=False)
    search = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only your own, whatever your staff roles (an admin's \"my tickets\")."
    )


class FileListCreate(generics.ListAPIView):
    """GET: the files one may see, filtered; POST: upload one."""

    serializer_class = FileSerializer
    parser_classes = [MultiPartParser]

    def initialize_request(self, request, *args, **kwargs):
        # Before DRF (or its CSRF check) can read the body.
        self.upload_limit = uploads.install(request) if request.method == "POST" else None
        return super().initialize_request(request, *args, **kwargs)

    def get_queryset(self):
        query = FileFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        staff = not params.get("mine") and selectors.lists_as_staff(self.request.user, params.get("event"))
        return selectors.filter_files(
            selectors.visible_files(user=self.request.user, staff=staff).select_related("user"),
            event=params.get("event"),
            registration=params.get("registration"),
            owner=params.get("user") if staff else None,
            search=params.get("search", ""),
            search_owner=staff,
        )

    @extend_schema(
        description="The caller's files; admins see every file, managers their events' files, and may filter by owner.",
        parameters=[
            OpenApiParameter("event", OpenApiTypes.UUID, description="event id"),
            OpenApiParameter("registration", OpenApiTypes.UUID, description="registration id"),
            OpenApiParameter("user", OpenApiTypes.UUID, description="owner id (admins only)"),
            OpenApiParameter("search", str, description="file name; for admins also owner email and name"),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        description="Upload one file (multipart field `file`), optionally for one of the caller's registrations.",
        request=UploadSerializer,
        responses={
            201: FileSerializer,
            400: OpenApiResponse(description="`invalid` (with `fields`) or `empty_file`"),
            409: OpenApiResponse(description="`quota_exceeded`"),
            413: OpenApiResponse(description="`too_large`: over FILE_MAX_BYTES"),
            415: OpenApiResponse(description="`type_not_allowed`: the content is not an allowed type"),
        },
    )
    def post(self, request, *args, **kwargs):
        data = request.data
        self.upload_limit.refuse_if_exceeded()
        upload = UploadSerializer(data=data, context={"request": request})
        upload.is_valid(raise_exception=True)
        file = services.upload_file(
            user=request.user,
            uploaded=upload.validated_data["file"],
            registration=upload.validated_data.get("registration"),
        )
        return Response(FileSerializer(file, context={"request": request}).data, status=status.HTTP_201_CREATED)


class FileDetail(generics.RetrieveDestroyAPIView):
    serializer_class = FileSerializer

    def get_queryset(self):
        return selectors.visible_files(user=self.request.user)

    def perform_destroy(self, instance):
        audit.record(self.request, "file.delete", instance, {"filename": instance.filename})
        services.delete_file(file=instance)


class FileDownload(APIView):
    @extend_schema(
        description="The file as an attachment (local storage), or a redirect to a short-lived presigned URL (S3).",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 302: None},
    )
    def get(self, request, pk):
        file = generics.get_object_or_404(selectors.visible_files(user=request.user), pk=pk)
        return downloads.serve(file)


urlpatterns = [
    path("files/", FileListCreate.as_view(), name="file-list"),
    path("files/<uuid:pk>/", FileDetail.as_view(), name="file-detail"),
    path("files/<uuid:pk>/download/", FileDownload.as_view(), name="file-download"),
]
