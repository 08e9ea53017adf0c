from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from files import services


class Command(BaseCommand):
    help = "Erase every file of one account and its stored objects (a data-deletion request)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the account's email address")

    def handle(self, *args, email, **options):
        try:
            user = get_user_model().objects.get(email__iexact=email)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No account with the email {email}.") from None
        count = services.erase_user_files(user=user)
        self.stdout.write(f"Erased {count} file(s) of {user.email}.")
