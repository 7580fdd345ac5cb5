"""Procurement data in and out: OCDS 1.1.5 import, sync, export and red flags (docs/integration.md).

    from govledger.integrations.ocds import MappingConfig, Journal, OcdsImporter, read_any

    with App.open(".govledger", signer=DemoSigner()) as app:
        report = OcdsImporter(app, MappingConfig.load("ocds-mapping.toml"),
                              Journal.for_data_dir(app.data_dir)).run(read_any("releases.json"))
"""

from .config import MappingConfig
from .errors import OcdsConfigError, OcdsSourceError
from .importer import ImportReport, OcdsImporter, Outcome
from .journal import Journal
from .sources import Found, Refused, read_all, read_any

__all__ = ["Found", "ImportReport", "Journal", "MappingConfig", "OcdsConfigError", "OcdsImporter", "OcdsSourceError",
           "Outcome", "Refused", "read_all", "read_any"]
