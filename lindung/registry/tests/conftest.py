"""Fixtures of the registry tests."""

import pytest

from lindung.registry.tests.api_client import ApiClient


@pytest.fixture
def api_as(client, token_for):
    return lambda user: ApiClient(client, token_for(user))
