"""uuid4_text draws and prints moto's message ids exactly as str(mock_random.uuid4()) does."""

from __future__ import annotations

import uuid

from moto.moto_api._internal import mock_random

from localcloud.emulator.moto_ids import uuid4_text


def test_uuid4_text_is_motos_uuid4_for_the_same_seed() -> None:
    for seed in range(500):
        mock_random.seed(seed)
        expected = [str(mock_random.uuid4()) for _ in range(3)]
        mock_random.seed(seed)

        assert [uuid4_text() for _ in range(3)] == expected


def test_uuid4_text_is_a_version_4_uuid() -> None:
    parsed = uuid.UUID(uuid4_text())

    assert parsed.version == 4
    assert parsed.variant == uuid.RFC_4122
