import factory
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from accounts.tests.factories import UserFactory
from files import services
from files.models import File

from . import samples


class FileFactory(factory.django.DjangoModelFactory):
    """A file row with its object really stored (a PDF unless `content` says otherwise)."""

    class Meta:
        model = File

    user = factory.SubFactory(UserFactory)
    registration = None
    content = factory.LazyFunction(samples.pdf)
    filename = factory.Sequence(lambda n: f"dokumen-{n}.pdf")
    filetype = "application/pdf"
    filesize = factory.LazyAttribute(lambda o: len(o.content))
    filepath = factory.LazyAttribute(lambda o: services.storage_key(user=o.user, extension=o.filename.rsplit(".")[-1]))

    @classmethod
    def _create(cls, model_class, *args, content, **kwargs):
        kwargs["filepath"] = storages["default"].save(kwargs["filepath"], ContentFile(content))
        return super()._create(model_class, *args, **kwargs)

    @classmethod
    def _build(cls, model_class, *args, content, **kwargs):
        return super()._build(model_class, *args, **kwargs)
