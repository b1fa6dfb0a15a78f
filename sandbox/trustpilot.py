"""A fake Trustpilot for Business API (service reviews and replies), in memory, on loopback.

Shapes follow developers.trustpilot.com:
  - Authentication / grant-type-client-credentials: POST
    /v1/oauth/oauth-business-users-for-applications/accesstoken, Basic base64(key:secret),
    form grant_type=client_credentials -> {"access_token","expires_in":"359999"} (no refresh
    token for this grant); …/refresh with grant_type=refresh_token (Authorization Code and
    Password grants). Set ``refresh_tokens=True`` to hand out refresh tokens anyway.
  - business-units-api "Get private reviews for business unit": GET
    /v1/private/business-units/{buId}/reviews?page&perPage(1..100, 20)&orderBy
    (createdat.asc|createdat.desc)&startDateTime&endDateTime -> {"reviews":[…],"links":[…]};
    a page past the end is an empty array. Private extras ``referenceId`` and
    ``referralEmail`` ⚠ (named after the endpoint's filters; not confirmed in a sample).
  - service-reviews-api: GET /v1/reviews/{reviewId} (API key, ``apikey`` header);
    POST /v1/private/reviews/{reviewId}/reply {"authorBusinessUserId","message"} -> 201;
    DELETE same path -> 204.
  - Error bodies ⚠ are Apigee-style ({"fault":{"faultstring","detail":{"errorcode"}}}),
    as seen in public Q&A, not in the reference. 429 carries Retry-After ⚠.

Admin (besides sandbox/base.py's): POST /_admin/reviews {stars,title,text,consumer:{…},
referenceId?, referralEmail?, createdAt?, updatedAt?, language?}; POST
/_admin/reviews/{id} {stars?, title?, text?, updatedAt?} (the consumer edits the review:
``updatedAt`` moves to now unless given); POST /_admin/expire_tokens (every
token issued so far expires); POST /_admin/revoke_key (the API key stops working);
GET /_admin/state: reviews (with companyReply) and ``grants``.
"""

from __future__ import annotations

import base64
import itertools
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any, ClassVar

from sandbox.base import FakeAPI, Request, Response, route

TOKEN_PATH = "/v1/oauth/oauth-business-users-for-applications"
TOKEN_SECONDS = 359999  # 100 hours, as the API says


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _parse(value: str) -> datetime:
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _fault(status: int, text: str, code: str) -> Response:
    return Response(status, {"fault": {"faultstring": text, "detail": {"errorcode": code}}})


class TrustpilotAPI(FakeAPI):
    """The fake Trustpilot API; see the module docstring."""

    name: ClassVar[str] = "trustpilot"

    def __init__(self, host: str = "127.0.0.1", port: int = 0, seed: int = 0, *,
                 business_unit_id: str = "5f1a2b3c4d5e6f7a8b9c0d1e",
                 business_user_id: str = "60aa11bb22cc33dd44ee55ff",
                 api_key: str = "sandbox-api-key", api_secret: str = "sandbox-api-secret",
                 refresh_tokens: bool = False) -> None:
        self.business_unit_id, self.business_user_id = business_unit_id, business_user_id
        self.api_key, self.api_secret = api_key, api_secret
        self.refresh_tokens = refresh_tokens
        super().__init__(host, port, seed)

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self._ids = itertools.count(1)
            self.reviews: dict[str, dict[str, Any]] = {}
            self.tokens: dict[str, float] = {}  # access token -> expiry (epoch)
            self.refresh: set[str] = set()
            self.grants = 0
            self.key_revoked = False

    def state(self) -> dict[str, Any]:
        return {"calls": len(self.calls), "grants": self.grants,
                "reviews": list(self.reviews.values())}

    def add_review(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Store a review as a consumer would write it (invited when it has a referenceId)."""
        with self.lock:
            rid = f"{0x6500000000000000000000 + next(self._ids):024x}"
            created = spec.get("createdAt") or _iso(datetime.now(UTC))
            consumer = {"id": f"{0x7700000000000000000000 + next(self._ids):024x}",
                        "displayName": "A consumer", "displayLocation": None,
                        "numberOfReviews": 1, **(spec.get("consumer") or {})}
            review = {
                "id": rid, "stars": int(spec.get("stars", 5)), "title": spec.get("title", ""),
                "text": spec.get("text", ""), "language": spec.get("language", "en"),
                "createdAt": created, "updatedAt": spec.get("updatedAt"),
                "isVerified": bool(spec.get("referenceId")), "consumer": consumer,
                "companyReply": None, "referenceId": spec.get("referenceId"),
                "referralEmail": spec.get("referralEmail"),
                "businessUnit": {"id": self.business_unit_id},
                "links": [{"href": f"{self.url}/v1/reviews/{rid}", "method": "GET",
                           "rel": "reviews"},
                          {"href": f"https://www.trustpilot.com/reviews/{rid}",
                           "method": "GET", "rel": "reviews-web"}],
            }
            self.reviews[rid] = review
            return review

    def edit_review(self, review_id: str, spec: dict[str, Any]) -> Response | dict[str, Any]:
        """The consumer edits their review: new stars, title or text, and a new updatedAt."""
        with self.lock:
            review = self.reviews.get(review_id)
            if review is None:
                return Response(404, {"message": "Review not found"})
            review.update({k: spec[k] for k in ("title", "text") if k in spec})
            if "stars" in spec:
                review["stars"] = int(spec["stars"])
            review["updatedAt"] = spec.get("updatedAt") or _iso(datetime.now(UTC))
            return review

    # -- admin ---------------------------------------------------------------
    def admin(self, request: Request) -> Response | dict | None:
        if request.method != "POST":
            return None
        if request.path == "/_admin/reviews":
            return self.add_review(request.json() or {})
        if match := re.fullmatch(r"/_admin/reviews/(\w+)", request.path):
            return self.edit_review(match.group(1), request.json() or {})
        with self.lock:
            if request.path == "/_admin/expire_tokens":
                self.tokens = dict.fromkeys(self.tokens, 0.0)
                return {"ok": True}
            if request.path == "/_admin/revoke_key":
                self.key_revoked, self.tokens = True, {}
                self.refresh.clear()
                return {"ok": True}
        return None

    # -- auth and errors -----------------------------------------------------
    def error_response(self, mode: str, request: Request) -> Response:
        if mode == "429":
            response = _fault(429, "Rate limit quota violation. Quota limit exceeded.",
                              "policies.ratelimit.QuotaViolation")
            response.headers["Retry-After"] = "30"
            return response
        if mode == "expired_token":
            return _fault(401, "Access Token expired", "keymanagement.service.access_token_expired")
        return Response(500, {"message": "An error has occurred."})

    def _bearer(self, request: Request) -> Response | None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        with self.lock:
            expiry = self.tokens.get(token)
        if expiry is None:
            return _fault(401, "Invalid access token", "oauth.v2.InvalidAccessToken")
        if expiry <= time.time():
            return _fault(401, "Access Token expired", "keymanagement.service.access_token_expired")
        return None

    def _client_ok(self, request: Request) -> bool:
        try:
            scheme, value = request.headers.get("authorization", "").split(" ", 1)
            key, _, secret = base64.b64decode(value).decode().partition(":")
        except ValueError:
            return False
        return (scheme == "Basic" and not self.key_revoked and key == self.api_key
                and secret == self.api_secret)

    def _issue(self, with_refresh: bool) -> dict[str, Any]:
        with self.lock:
            self.grants += 1
            token = secrets.token_urlsafe(24)
            self.tokens[token] = time.time() + TOKEN_SECONDS
            body: dict[str, Any] = {"access_token": token, "expires_in": str(TOKEN_SECONDS),
                                    "token_type": "BearerToken", "status": "approved",
                                    "issued_at": str(int(time.time() * 1000))}
            if with_refresh:
                body["refresh_token"] = secrets.token_urlsafe(24)
                body["refresh_token_expires_in"] = "2591999"
                self.refresh.add(body["refresh_token"])
            return body

    # -- OAuth ---------------------------------------------------------------
    @route("POST", TOKEN_PATH + "/accesstoken", "accesstoken")
    def accesstoken(self, request: Request) -> Response | dict:
        if not self._client_ok(request):
            return Response(401, {"ErrorCode": "invalid_client", "Error": "ClientId is Invalid"})
        grant = request.form().get("grant_type")
        if grant != "client_credentials":
            return Response(400, {"ErrorCode": "invalid_request",
                                  "Error": "Unsupported grant type : " + str(grant)})
        return self._issue(self.refresh_tokens)

    @route("POST", TOKEN_PATH + "/refresh", "refresh")
    def refresh_token(self, request: Request) -> Response | dict:
        if not self._client_ok(request):
            return Response(401, {"ErrorCode": "invalid_client", "Error": "ClientId is Invalid"})
        form = request.form()
        with self.lock:
            known = form.get("refresh_token") in self.refresh
            self.refresh.discard(form.get("refresh_token", ""))
        if form.get("grant_type") != "refresh_token" or not known:
            return Response(400, {"ErrorCode": "invalid_request", "Error": "Invalid Refresh Token"})
        return self._issue(True)

    # -- reviews -------------------------------------------------------------
    @route("GET", r"/v1/private/business-units/(?P<bu>\w+)/reviews", "reviews")
    def private_reviews(self, request: Request) -> Response | dict:
        denied = self._bearer(request)
        if denied:
            return denied
        if request.params["bu"] != self.business_unit_id:
            return Response(403, {"message": "Forbidden"})
        q = request.query
        try:
            page, per_page = int(q.get("page", "1")), int(q.get("perPage", "20"))
            start = _parse(q["startDateTime"]) if q.get("startDateTime") else None
            end = _parse(q["endDateTime"]) if q.get("endDateTime") else None
        except ValueError:
            return Response(400, {"message": "Invalid request parameters"})
        if not 1 <= per_page <= 100 or page < 1:
            return Response(400, {"message": "perPage must be between 1 and 100"})
        with self.lock:
            items = list(self.reviews.values())
        items = [r for r in items if (start is None or _parse(r["createdAt"]) >= start)
                 and (end is None or _parse(r["createdAt"]) <= end)]
        items.sort(key=lambda r: _parse(r["createdAt"]),
                   reverse=q.get("orderBy", "createdat.desc") == "createdat.desc")
        chunk = items[(page - 1) * per_page: page * per_page]
        base = f"{self.url}{request.path}?perPage={per_page}"
        links = [{"href": f"{base}&page={page + 1}", "method": "GET", "rel": "next-page"}] \
            if page * per_page < len(items) else []
        return {"reviews": chunk, "links": links}

    @route("GET", r"/v1/reviews/(?P<id>\w+)", "review")
    def public_review(self, request: Request) -> Response | dict:
        if request.headers.get("apikey") != self.api_key or self.key_revoked:
            return _fault(401, "Invalid ApiKey", "oauth.v2.InvalidApiKey")
        review = self.reviews.get(request.params["id"])
        if review is None:
            return Response(404, {"message": "Review not found"})
        private = ("referenceId", "referralEmail")
        return {k: v for k, v in review.items() if k not in private}

    @route("POST", r"/v1/private/reviews/(?P<id>\w+)/reply", "reply")
    def reply(self, request: Request) -> Response:
        denied = self._bearer(request)
        if denied:
            return denied
        spec = request.json() or {}
        with self.lock:
            review = self.reviews.get(request.params["id"])
            if review is None:
                return Response(404, {"message": "Review not found"})
            if spec.get("authorBusinessUserId") != self.business_user_id:
                return Response(403, {"message": "The business user cannot reply here"})
            if not spec.get("message"):
                return Response(400, {"message": "message is required"})
            review["companyReply"] = {"text": spec["message"],
                                      "createdAt": _iso(datetime.now(UTC))}
        return Response(201, b"")

    @route("DELETE", r"/v1/private/reviews/(?P<id>\w+)/reply", "delete_reply")
    def delete_reply(self, request: Request) -> Response:
        denied = self._bearer(request)
        if denied:
            return denied
        with self.lock:
            review = self.reviews.get(request.params["id"])
            if review is None:
                return Response(404, {"message": "Review not found"})
            review["companyReply"] = None
        return Response(204, b"")
