"""Compliance: the rules registry (each rule, its legal basis, the code that enforces it and the tests that
prove it), personal data under UU 27/2022 (salted commitments, access log, export, erasure, retention) and
encrypted backups. docs/compliance.md, docs/personal-data.md, docs/dpia.md and docs/records.md explain them."""

from .access_log import AccessLog, record_access
from .commitments import Commitments, commitment
from .erasure import erase_person
from .export import export_person
from .locations import PersonalData
from .store import PrivacyStore

__all__ = ["AccessLog", "Commitments", "PersonalData", "PrivacyStore", "commitment", "erase_person",
           "export_person", "record_access"]
