"""Import tests keep their files in a temporary folder and may run background passes inline."""

import pytest


@pytest.fixture(autouse=True)
def import_data_dir(settings, tmp_path):
    # The engine stores uploads, outcomes and reports under DATA_DIR/imports.
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def inline_tasks(settings):
    """Queued import passes run at once, inside the call that queued them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
