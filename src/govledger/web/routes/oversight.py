"""The oversight pages (feedback, complaints, monitoring, profiles, publication) and their JSON API, registered as
one router."""

from __future__ import annotations

from fastapi import APIRouter

from . import oversight_api, oversight_cases, oversight_public

router = APIRouter()  # the page routers leave themselves out of the OpenAPI spec; the API is in it
router.include_router(oversight_public.router)
router.include_router(oversight_cases.router)
router.include_router(oversight_api.router)  # the JSON API, in the OpenAPI spec
