"""What `make run` prints before serving the pilot: where to open the pages and which demo account to pick
for each role (the DEVELOPMENT sign-in; refused in production).

    python -m govledger.web.demo http://127.0.0.1:8000
"""

from __future__ import annotations

import sys

from ..accounts import DEMO_ADDRESSES

ROLES = (
    ("official (PPK)", ("official",), "/official"),
    ("contractor (penyedia)", ("contractor", "contractor2"), "/contractor"),
    ("inspector (PPHP)", ("inspector1", "inspector2", "inspector3"), "/inspector"),
    ("auditor (APIP/BPK)", ("auditor",), "/auditor"),
    ("admin", ("admin",), "/admin"),
    ("pauser", ("guardian",), "/admin"),
    ("dispute arbiter", ("arbiter",), "/arbiter"),
)


def guide(url: str) -> str:
    url = url.rstrip("/")
    lines = [f"govledger: the fictional pilot at {url}  (Bahasa Indonesia; English at a click)",
             f"public portal, no sign-in: {url}/",
             f"DEVELOPMENT sign-in at {url}/signin: anyone can sign in as anyone; pick the demo account:"]
    width = max(len(role) for role, _, _ in ROLES)
    for role, accounts, home in ROLES:
        names = ", ".join(f"{a} ({DEMO_ADDRESSES[a][:6]}…)" for a in accounts)
        lines.append(f"  {role:<{width}}  {names}  -> {url}{home}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    print(guide(args[0] if args else "http://127.0.0.1:8000"))


if __name__ == "__main__":
    main()
