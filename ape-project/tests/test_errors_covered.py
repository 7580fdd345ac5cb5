"""Every error the registry declares (its interface and the shared ILedgerErrors) has an ape revert test."""

import re
from pathlib import Path

HERE = Path(__file__).parent
DECLARING = ("interfaces/IContractRegistry.sol", "interfaces/ILedgerErrors.sol")
_ERROR = re.compile(r"^\s*error\s+(\w+)\s*\(", re.MULTILINE)


def test_everyRegistryError_hasAnApeRevertTest(project):
    contracts = Path(project.contracts_folder)
    declared = {name for path in DECLARING for name in _ERROR.findall((contracts / path).read_text())}
    tests = (HERE / "test_registry_errors.py").read_text()
    # A test names its error as `<registry>.Name` in ape.reverts, or as "Name" in a parametrized table.
    untested = sorted(n for n in declared if not re.search(rf'[."]{n}\b', tests))
    assert len(declared) >= 35
    assert not untested, f"registry errors without an ape.reverts test in tests/test_registry_errors.py: {untested}"
