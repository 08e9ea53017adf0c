"""Receivers keeping storage in step with the database (wired in FilesConfig.ready)."""

from functools import partial

from django.db import transaction

from .services import remove_object


def remove_stored_object(sender, instance, **kwargs):
    """Remove a deleted file's stored object once the deletion commits.

    post_delete fires for every way a row goes (the service, an admin bulk
    delete, the owner's account deleted by cascade), so no object outlives its
    row; a rolled-back deletion keeps its object.
    """
    transaction.on_commit(partial(remove_object, instance.filepath), robust=True)
