"""Migration of existing contracts: validate every record, anchor a Merkle root of the source records per
agency, register the contracts under way in batches (resumable), and compare the ledger with the source.

    from govledger.integrations.migration import Migration
    result = Migration(app, official, admin=admin).run(Path("contracts.csv"))
    print(result.report.differences)
"""

from .anchor import AnchorInfo, Anchors
from .merkle import MerkleTree, leaf_hash, verify_proof
from .records import SourceContract, SourceMilestone
from .report import Difference, FieldReport, describe
from .run import DEFAULT_BATCH, Migration, MigrationResult
from .sources import CSV_COLUMNS, Problem, SourceRead, read_source
from .verify import ProofError, RecordProof, find_proof, prove, verify_ocid

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_BATCH",
    "AnchorInfo",
    "Anchors",
    "Difference",
    "FieldReport",
    "MerkleTree",
    "Migration",
    "MigrationResult",
    "Problem",
    "ProofError",
    "RecordProof",
    "SourceContract",
    "SourceMilestone",
    "SourceRead",
    "describe",
    "find_proof",
    "leaf_hash",
    "prove",
    "read_source",
    "verify_ocid",
    "verify_proof",
]
