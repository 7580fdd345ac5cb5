"""The oversight pages (feedback, complaints, monitoring, profiles, publication), registered as one router."""

from __future__ import annotations

from fastapi import APIRouter

from . import oversight_cases, oversight_public

router = APIRouter(include_in_schema=False)
router.include_router(oversight_public.router)
router.include_router(oversight_cases.router)
