"""The open-data downloads' Content-Type, exactly (issue 15 §3: the CSV said charset=utf-8 twice)."""

from __future__ import annotations

import pytest

from fundquery.queries.datasets import DATASETS

EXPECTED = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


@pytest.mark.parametrize("fmt", EXPECTED)
def test_each_download_states_its_type_once(client, fmt):
    for name in DATASETS:
        response = client.get(f"/opendata/{name}.{fmt}")
        response.get_data()  # streamed: read it to the end
        response.close()
        assert response.status_code == 200, (name, fmt)
        assert response.headers.get_all("Content-Type") == [EXPECTED[fmt]], (name, fmt)
