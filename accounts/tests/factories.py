import functools

import factory
from django.contrib.auth.hashers import make_password

from accounts.models import User

PASSWORD = "tiket-rahasia-123"


@functools.cache
def _password_hash() -> str:
    # bcrypt is slow by design: hash the shared test password once per run.
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"peserta{n}@example.com")
    full_name = factory.Faker("name", locale="id_ID")
    phone = factory.Sequence(lambda n: f"+62812{n:07d}")
    role = User.Role.USER
    password = factory.LazyFunction(_password_hash)


class AdminFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staf{n}@example.com")
    role = User.Role.ADMIN
