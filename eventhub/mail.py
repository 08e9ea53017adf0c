"""Development email backend: one readable .eml file per message under var/mail/."""

import re
import threading
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    """Write each message to `MAIL_DIR/<time>-<recipient>-<subject>.eml`.

    An .eml file opens in any mail client (or a browser), inline images and
    attachments included, which is what a developer wants to look at.
    """

    _lock = threading.Lock()
    _counter = 0

    def __init__(self, *, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.file_path = Path(file_path or settings.MAIL_DIR)

    def send_messages(self, email_messages):
        self.file_path.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            with self._lock:
                EmlFileBackend._counter += 1
                counter = EmlFileBackend._counter
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            recipient = re.sub(r"[^A-Za-z0-9@._-]+", "_", (message.to or ["unknown"])[0])[:60]
            subject = re.sub(r"[^A-Za-z0-9]+", "-", message.subject or "")[:40].strip("-")
            path = self.file_path / f"{stamp}-{counter}-{recipient}-{subject}.eml"
            mime = message.message()
            # Django 6 builds an email.message.EmailMessage: line endings come from its policy.
            path.write_bytes(mime.as_bytes(policy=mime.policy.clone(linesep="\r\n")))
            sent += 1
        return sent


def retry_later(task, *args, attempt: int) -> bool:
    """Enqueue `task(*args, attempt=attempt + 1)` after an exponential delay; return whether it was queued.

    The delay starts at `TASK_RETRY_BASE_SECONDS` and doubles up to
    `TASK_RETRY_MAX_DELAY_SECONDS`, for `TASK_RETRY_MAX_ATTEMPTS` attempts:
    by default a mail server may be down for a day before a message is given
    up. Backends that cannot defer (the immediate backend in development) get
    no retry: the failure is logged and the message is not sent.
    """
    import datetime

    from django.tasks import default_task_backend

    if attempt >= settings.TASK_RETRY_MAX_ATTEMPTS or not default_task_backend.supports_defer:
        return False
    seconds = min(settings.TASK_RETRY_BASE_SECONDS * 2 ** (attempt - 1), settings.TASK_RETRY_MAX_DELAY_SECONDS)
    delay = datetime.timedelta(seconds=seconds)
    task.using(run_after=timezone.now() + delay).enqueue(*args, attempt=attempt + 1)
    return True
