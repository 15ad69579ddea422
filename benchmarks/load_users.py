"""The load benchmark's users (benchmarks/load.py): what each kind of client does, one request after
the other with no pause. Imported only by the load generator's own process, after gevent has patched
it; `ACCOUNTS` and `PASSWORD` are set by load.drive before the first user starts."""

import random
import secrets

from locust import FastHttpUser, constant, task

ACCOUNTS: dict | list = {}
PASSWORD = ""
# Users that have signed in and are about to start: the run is measured once all have, so that the
# sign-ins' password hashing (a fraction of a second of CPU each) falls outside the measured seconds.
READY = 0


def ready() -> None:
    global READY
    READY += 1


def clerks() -> list[dict]:
    return ACCOUNTS["clerks"] if isinstance(ACCOUNTS, dict) else ACCOUNTS


class Bare(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        ready()

    @task
    def bare(self):
        self.client.get("/bench/bare")


def sign_in(user: FastHttpUser) -> None:
    user.client.get("/accounts/login/")
    csrf = user.client.cookiejar._cookies["127.0.0.1"]["/"]["csrftoken"].value  # noqa: SLF001
    user.client.post(
        "/accounts/login/",
        data={"username": user.account["username"], "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        headers={"Referer": user.host + "/accounts/login/"},
    )


class SignedInFloor(FastHttpUser):
    """A signed-in request that does nothing of its own: what any page costs before its work."""

    wait_time = constant(0)

    def on_start(self):
        self.account = random.choice(clerks())
        sign_in(self)
        ready()

    @task
    def floor(self):
        with self.client.get("/bench/signed-in", catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"not signed in ({response.status_code})")


class TokenFloor(FastHttpUser):
    """The API's lightest signed-in read (who am I) with a token: what any API call costs first."""

    wait_time = constant(0)

    def on_start(self):
        self.api = {"Authorization": f"Bearer {random.choice(clerks())['token']}"}
        ready()

    @task
    def me(self):
        self.client.get("/api/v1/me", headers=self.api)


class StationClerk(FastHttpUser):
    """Opens the village page, reads the API, updates the station's hall status and phone."""

    wait_time = constant(0)

    def on_start(self):
        self.account = random.choice(clerks())
        self.village = self.account["village"]
        self.api = {"Authorization": f"Bearer {self.account['token']}"}
        sign_in(self)
        ready()

    @task(3)
    def village_page(self):
        # A redirect to the sign-in page would look like success: only the village page counts.
        with self.client.get(
            f"/places/{self.village}/", name="/places/[id]/", catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200 or "下辖地点" not in response.text:
                response.failure(f"not the village page ({response.status_code})")

    @task(3)
    def api_children(self):
        self.client.get(f"/api/v1/places?parent_id={self.village}", headers=self.api, name="/api/v1/places")

    @task(2)
    def api_place(self):
        self.client.get(f"/api/v1/places/{self.village}", headers=self.api, name="/api/v1/places/[id]")

    @task(1)
    def update_station(self):
        body = {
            "hall_status": random.choice(["open", "closed", "online_only"]),
            "phone": f"0763-{random.randint(1000000, 9999999)}",
        }
        self.client.patch(
            f"/api/v1/places/{self.village}",
            json=body,
            headers=self.api,
            name="PATCH /api/v1/places/[id]",
        )


class ReportingClerk(FastHttpUser):
    """Sends the village's daily report through the API, as the phone app does: each a new
    report or a correction of one, each with its own submission key."""

    wait_time = constant(0)

    def on_start(self):
        self.account = random.choice(clerks())
        self.api = {"Authorization": f"Bearer {self.account['token']}"}
        ready()

    @task
    def submit(self):
        zero = random.random() < 0.85
        body = {
            "data_set": "epidemic_daily",
            "place_id": self.account["village"],
            # 2021: days the demo's approved reports of 2020 do not lock
            "period_start": f"2021-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}",
            "values": {} if zero else {"home_quarantined": random.randint(1, 4)},
            "zero": zero,
            "submission": secrets.token_hex(12),
        }
        with self.client.post(
            "/api/v1/reports",
            json=body,
            headers=self.api,
            name="POST /api/v1/reports",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"not stored ({response.status_code}): {response.text[:120]}")


class GuardAtTheGate(FastHttpUser):
    """Checks passes at a gate through the API, as a guard's phone does when it has a network."""

    wait_time = constant(0)

    def on_start(self):
        self.api = {"Authorization": f"Bearer {ACCOUNTS['guard']['token']}"}
        self.url = f"/api/v1/community/gates/{ACCOUNTS['guard']['gate']}/check"
        ready()

    @task
    def check(self):
        body = {
            "token": random.choice(ACCOUNTS["guard"]["passes"]),
            "direction": random.choice(["in", "out"]),
        }
        with self.client.post(
            self.url, json=body, headers=self.api, name="POST /api/v1/community/gates/[id]/check",
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 200 or "allowed" not in response.text:
                response.failure(f"no verdict ({response.status_code}): {response.text[:120]}")


USERS = {
    "bare": Bare,
    "signed_in": SignedInFloor,
    "token": TokenFloor,
    "mixed": StationClerk,
    "reports": ReportingClerk,
    "passes": GuardAtTheGate,
}
