"""Where a data directory keeps personal data: the identity directory and keystores (paths from
DATA_DIR/identity.toml when there is one), the read model's database (inboxes, support desk, the server's
activity log and idempotency keys), the encrypted documents, and the privacy database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, Table, create_engine, inspect

from ..identity.config import CustodyConfig, IdentityConfig
from ..identity.directory import PersonDirectory
from ..readmodel.engine import default_url
from .store import PrivacyStore

IDENTITY_FILE = "identity.toml"
DOCUMENTS_DIR = "documents"

# table -> the column naming the person (the sign-in subject: the person id of custodial sign-in). Named,
# not imported: the owning modules (notifications, support, server) pull in the web stack.
PERSON_TABLES = (
    ("notify_people", "subject"),
    ("notify_preferences", "subject"),
    ("notifications", "subject"),
    ("support_questions", "subject"),
    ("server_activity", "subject"),
    ("server_idempotency", "subject"),
)


@dataclass
class PersonalData:
    """Every store of personal data of one data directory, opened lazily."""

    data_dir: Path
    db_url: str | None = None

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        self._engine: Engine | None = None
        self._privacy: PrivacyStore | None = None

    @property
    def custody(self) -> CustodyConfig:
        path = self.data_dir / IDENTITY_FILE
        return IdentityConfig.load(path).custody if path.is_file() else CustodyConfig()

    @property
    def directory(self) -> PersonDirectory:
        return PersonDirectory(self.custody.directory_path(self.data_dir))

    @property
    def keys_dir(self) -> Path:
        return self.custody.keys_path(self.data_dir)

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / DOCUMENTS_DIR

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(self.db_url or default_url(self.data_dir))
        return self._engine

    @property
    def privacy(self) -> PrivacyStore:
        if self._privacy is None:
            self._privacy = PrivacyStore.for_data_dir(self.data_dir)
        return self._privacy

    def tables(self) -> Iterator[tuple[Table, str]]:
        """The person tables that exist in this read model (a ledger never served has none)."""
        present = set(inspect(self.engine).get_table_names())
        names = [name for name, _ in PERSON_TABLES if name in present]
        metadata = MetaData()
        metadata.reflect(self.engine, only=names)
        for name, column in PERSON_TABLES:
            if name in names:
                yield metadata.tables[name], column

    def documents(self) -> Iterator[tuple[Path, dict[str, Any]]]:
        """(description file, description) of every stored document."""
        if self.documents_dir.is_dir():
            for meta in sorted(self.documents_dir.glob("*.json")):
                yield meta, json.loads(meta.read_text())

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self._privacy is not None:
            self._privacy.close()

    def __enter__(self) -> PersonalData:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
