from django.core.cache import caches

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded test images and documents go to a temporary folder, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _uses_database(request):
    """Whether the test may use the database; its database fixture is then set up already."""
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            return True
    return request.node.get_closest_marker("django_db") is not None


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Rate limits and cached responses must not leak from one test to the next.

    The shared cache is a database table in tests, so it is cleared only where the test may
    use the database; elsewhere nothing can have written to it.
    """
    aliases = ["default", "shared"] if _uses_database(request) else ["default"]
    for alias in aliases:
        caches[alias].clear()
    yield
    for alias in aliases:
        caches[alias].clear()


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="admin", email="admin@example.com", password="password"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def user_in_group(django_user_model):
    """A user who belongs to one of the editorial groups created by the migrations."""

    def make(group_name, username=None):
        from django.contrib.auth.models import Group

        user = django_user_model.objects.create_user(
            username=username or group_name.lower(),
            email=f"{group_name}@example.com",
            password="password",
        )
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return make
