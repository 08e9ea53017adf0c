"""The checkout stands on its own: no link in it points outside it."""

import os
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR).resolve()
# Made by the tools, never committed (.gitignore).
SKIPPED = {".git", ".venv", "node_modules", "var", ".nuxt", ".output", "__pycache__", ".pytest_cache"}


def _links():
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED]
        for name in subfolders + files:
            path = Path(folder) / name
            if path.is_symlink():
                yield path


def test_no_link_points_outside_the_repository():
    outside = [str(link.relative_to(ROOT)) for link in _links() if not link.resolve().is_relative_to(ROOT)]

    assert outside == []
