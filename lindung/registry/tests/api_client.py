"""Calling the worker API in tests: a client holding one user's bearer token, and a valid
registration body to vary."""

import json

from conftest import LOA_KULU_VILLAGE

API = "/api/v1"
TENGGARONG_NIK = "6402064203850003"


class ApiClient:
    """Calls the API as one user, with a bearer token of their own."""

    def __init__(self, client, token):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, **params):
        return self.client.get(API + path, params, headers=self.headers)

    def post(self, path, body):
        return self.client.post(
            API + path, json.dumps(body), content_type="application/json", headers=self.headers
        )

    def patch(self, path, body):
        return self.client.patch(
            API + path, json.dumps(body), content_type="application/json", headers=self.headers
        )


def new_worker_body(**overrides):
    body = {
        "nik": "6402025506900002", "kk_number": "6402020101090011", "full_name": "Rina Wati",
        "birth_place": "Loa Kulu", "birth_date": "1990-06-15", "sex": "F",
        "phone": "0813 5000 1234", "address": "Jl. Mulawarman 7", "rt": "3", "rw": "1",
        "village_code": LOA_KULU_VILLAGE, "occupation": "Pedagang", "sector": "usaha-kecil",
        "monthly_income": 2_000_000, "welfare_decile": 2, "source_ref": "API-0001",
        "heirs": [
            {"full_name": "Ahmad Fauzi", "relationship": "child", "birth_date": "2012-04-01"},
            {"full_name": "Andi Saputra", "relationship": "spouse", "birth_date": "1988-02-10",
             "nik": "6402021002880004", "phone": "081350009999"},
        ],
    }  # fmt: skip
    body.update(overrides)
    return body


def field_names(response):
    return {error["field"] for error in response.json()["detail"]}
