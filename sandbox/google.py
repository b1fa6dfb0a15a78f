"""A fake Google Business Profile (My Business API v4) holding one location's reviews.

Shapes follow developers.google.com/my-business/reference/rest/v4/:

- accounts.locations.reviews/list: ``GET /v4/accounts/{a}/locations/{l}/reviews?pageSize
  (max 50)&pageToken&orderBy=updateTime desc|rating|rating desc`` -> ``{reviews, averageRating,
  totalReviewCount, nextPageToken}`` (``nextPageToken`` absent on the last page);
- accounts.locations.reviews (the Review resource: ``name, reviewId, reviewer{profilePhotoUrl,
  displayName, isAnonymous}, starRating ONE..FIVE, comment, createTime, updateTime,
  reviewReply{comment, updateTime}``) and reviews/get;
- accounts.locations.reviews/updateReply (``PUT …/reply`` with a ReviewReply, returns it;
  creates or replaces) and deleteReply (``DELETE …/reply`` -> empty body);
- Google API errors (cloud.google.com/apis/design/errors): ``{"error": {"code", "message",
  "status"}}`` with 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND,
  429 RESOURCE_EXHAUSTED, 500 INTERNAL; content/limits (300 QPM per project).

⚠ Google does not document a ``Retry-After`` on 429; the fake sends one only when the admin
config sets ``retry_after``. A ``pageSize`` above 50 is clamped (⚠ real behaviour unknown).

Admin routes, beside those of ``FakeAPI``::

    POST   /_admin/reviews        {reviewId?, displayName, starRating (1-5|"ONE"..), comment?,
                                   createTime?, updateTime?, isAnonymous?}  -> the review
    POST   /_admin/reviews/{id}   {comment?, starRating?, updateTime?}  the reviewer edits it
    POST   /_admin/permission     {}  every API call answers 403; DELETE to lift
    POST   /_admin/config         {token?, retry_after?}
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from datetime import UTC, datetime
from typing import Any

from sandbox.base import FakeAPI, Request, Response, route

STARS = ("ONE", "TWO", "THREE", "FOUR", "FIVE")
LOC = r"/v4/accounts/(?P<account>[^/]+)/locations/(?P<location>[^/]+)"
ORDERS = ("updateTime desc", "rating", "rating desc")
MAX_PAGE_SIZE = 50
MAX_REPLY_BYTES = 4096


def rfc3339(value: datetime | None = None) -> str:
    """Google's timestamp format, e.g. ``2026-11-21T09:12:00.123Z``."""
    value = (value or datetime.now(UTC)).astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def google_error(code: int, status: str, message: str) -> Response:
    return Response(code, {"error": {"code": code, "message": message, "status": status}})


def star_name(value: int | str) -> str:
    if isinstance(value, str) and value.upper() in STARS:
        return value.upper()
    return STARS[int(value) - 1]


class GoogleAPI(FakeAPI):
    """The fake Business Profile API for one account/location; Bearer ``token`` only."""

    name = "google"

    def __init__(self, host: str = "127.0.0.1", port: int = 0, seed: int = 0, *,
                 account_id: str = "108000000000000000001",
                 location_id: str = "4600000000000000001",
                 token: str = "sandbox-google-token") -> None:
        self.account_id, self.location_id, self._token = account_id, location_id, token
        super().__init__(host, port, seed)

    def reset(self) -> None:
        with self.lock:
            super().reset()
            self.token = self._token
            self.reviews: dict[str, dict[str, Any]] = {}
            self.reply_log: list[dict[str, Any]] = []
            self.denied = False
            self.retry_after: int | None = None
            self._seq = itertools.count(1)

    def state(self) -> dict[str, Any]:
        return {**super().state(), "reviews": list(self.reviews.values()),
                "replies": list(self.reply_log)}

    def add_review(self, display_name: str, star_rating: int | str, comment: str | None = None,
                   *, review_id: str | None = None, create_time: str | None = None,
                   update_time: str | None = None, anonymous: bool = False) -> dict[str, Any]:
        """Add a review as a customer would leave it."""
        with self.lock:
            seq = next(self._seq)
            review_id = review_id or f"AbFvOq{seq:06d}review"
            created = create_time or rfc3339()
            review: dict[str, Any] = {
                "name": f"accounts/{self.account_id}/locations/{self.location_id}"
                        f"/reviews/{review_id}",
                "reviewId": review_id,
                "reviewer": {
                    "profilePhotoUrl": f"https://lh3.googleusercontent.com/a/photo{seq}",
                    "displayName": "A Google User" if anonymous else display_name,
                    "isAnonymous": anonymous,
                },
                "starRating": star_name(star_rating),
                "createTime": created,
                "updateTime": update_time or created,
            }
            if comment:  # rating-only reviews have no comment field at all
                review["comment"] = comment
            self.reviews[review_id] = review
            return review

    # -- dispatch ----------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_admin/"):
            return super().handle(request)
        auth = request.headers.get("authorization", "")
        if auth != f"Bearer {self.token}":
            return self.error_response("expired_token", request)
        if self.denied:
            return google_error(403, "PERMISSION_DENIED", "The caller does not have permission")
        return super().handle(request)

    def error_response(self, mode: str, request: Request) -> Response:
        if mode == "429":
            response = google_error(
                429, "RESOURCE_EXHAUSTED",
                "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of "
                "service 'mybusiness.googleapis.com' for consumer 'project_number:000000000'.")
            if self.retry_after is not None:
                response.headers["Retry-After"] = str(self.retry_after)
            return response
        if mode == "expired_token":
            response = google_error(
                401, "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                "login cookie or other valid authentication credential.")
            response.headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
            return response
        return google_error(500, "INTERNAL", "Internal error encountered.")

    def admin(self, request: Request) -> Response | dict | list | None:
        path, method = request.path, request.method
        spec = request.json() if request.body else {}
        if path == "/_admin/reviews" and method == "POST":
            return self.add_review(
                spec.get("displayName", "A Google User"), spec.get("starRating", 5),
                spec.get("comment"), review_id=spec.get("reviewId"),
                create_time=spec.get("createTime"), update_time=spec.get("updateTime"),
                anonymous=bool(spec.get("isAnonymous")))
        if (match := re.fullmatch(r"/_admin/reviews/([^/]+)", path)) and method == "POST":
            with self.lock:
                review = self.reviews.get(match.group(1))
                if review is None:
                    return Response(404, {"error": "no such review"})
                if "comment" in spec:
                    review["comment"] = spec["comment"]
                if "starRating" in spec:
                    review["starRating"] = star_name(spec["starRating"])
                review["updateTime"] = spec.get("updateTime") or rfc3339()
                return review
        if path == "/_admin/permission":
            self.denied = method == "POST"
            return {"ok": True}
        if path == "/_admin/config" and method == "POST":
            self.token = spec.get("token", self.token)
            if "retry_after" in spec:
                self.retry_after = spec["retry_after"]
            return {"ok": True}
        return None

    # -- the API -------------------------------------------------------------------
    def _location(self, request: Request) -> Response | None:
        if (request.params["account"], request.params["location"]) != (
                self.account_id, self.location_id):
            return google_error(404, "NOT_FOUND", "Requested entity was not found.")
        return None

    def _review(self, request: Request) -> dict[str, Any] | Response:
        missing = self._location(request)
        if missing is not None:
            return missing
        review = self.reviews.get(request.params["review"])
        if review is None:
            return google_error(404, "NOT_FOUND", "Requested entity was not found.")
        return review

    @route("GET", LOC + r"/reviews", "reviews")
    def list_reviews(self, request: Request) -> Response | dict:
        missing = self._location(request)
        if missing is not None:
            return missing
        order = request.query.get("orderBy", "updateTime desc")
        if order not in ORDERS:
            return google_error(400, "INVALID_ARGUMENT", f"Invalid orderBy: {order}")
        size = max(1, min(int(request.query.get("pageSize") or MAX_PAGE_SIZE), MAX_PAGE_SIZE))
        with self.lock:
            reviews = list(self.reviews.values())

            def key(r: dict[str, Any]) -> list[Any]:
                rating = STARS.index(r["starRating"]) + 1
                if order == "updateTime desc":
                    return [r["updateTime"], r["reviewId"]]
                return [rating, r["updateTime"], r["reviewId"]]

            descending = order != "rating"
            ordered = sorted(reviews, key=key, reverse=descending)
            token = request.query.get("pageToken")
            if token:
                try:
                    last = json.loads(base64.urlsafe_b64decode(token.encode()))
                except ValueError:
                    return google_error(400, "INVALID_ARGUMENT", "Invalid pageToken.")
                ordered = [r for r in ordered if (key(r) < last if descending else key(r) > last)]
            page = ordered[:size]
            body: dict[str, Any] = {"reviews": page} if page else {}
            if reviews:
                ratings = [STARS.index(r["starRating"]) + 1 for r in reviews]
                body["averageRating"] = round(sum(ratings) / len(ratings), 1)
            body["totalReviewCount"] = len(reviews)
            if len(ordered) > size:
                body["nextPageToken"] = base64.urlsafe_b64encode(
                    json.dumps(key(page[-1])).encode()).decode()
            return body

    @route("GET", LOC + r"/reviews/(?P<review>[^/]+)", "review")
    def get_review(self, request: Request) -> Response | dict:
        with self.lock:
            review = self._review(request)
            return review

    @route("PUT", LOC + r"/reviews/(?P<review>[^/]+)/reply", "reply")
    def update_reply(self, request: Request) -> Response | dict:
        try:
            comment = (request.json() or {}).get("comment")
        except ValueError:
            comment = None
        if not comment or len(comment.encode()) > MAX_REPLY_BYTES:
            return google_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
        with self.lock:
            review = self._review(request)
            if isinstance(review, Response):
                return review
            review["reviewReply"] = {"comment": comment, "updateTime": rfc3339()}
            self.reply_log.append({"action": "reply", "reviewId": review["reviewId"],
                                   "comment": comment})
            return review["reviewReply"]

    @route("DELETE", LOC + r"/reviews/(?P<review>[^/]+)/reply", "delete_reply")
    def delete_reply(self, request: Request) -> Response | dict:
        with self.lock:
            review = self._review(request)
            if isinstance(review, Response):
                return review
            if review.pop("reviewReply", None) is None:
                return google_error(404, "NOT_FOUND", "Requested entity was not found.")
            self.reply_log.append({"action": "delete", "reviewId": review["reviewId"]})
            return {}
