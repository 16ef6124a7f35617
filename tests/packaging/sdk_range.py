"""What to install for the SDK compatibility runs, from the ranges the ``openai`` / ``anthropic`` extras declare.

    python tests/packaging/sdk_range.py oldest   # openai==2.0 anthropic==0.60  (each range's lower bound)
    python tests/packaging/sdk_range.py newest   # openai>=2.0,<4 anthropic>=0.60,<3  (pip picks the newest)

The Makefile's ``sdk-test`` target builds one virtualenv from each and runs the wrapper tests in it.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
SDKS = ("openai", "anthropic")


def declared() -> dict[str, str]:
    """Each SDK's specifier as the extra declares it (``>=2.0,<4``)."""
    extras = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    return {sdk: extras[sdk][0][len(sdk) :].replace(" ", "") for sdk in SDKS}


def requirements(which: str) -> list[str]:
    out = []
    for sdk, specifier in declared().items():
        if which == "newest":
            out.append(f"{sdk}{specifier}")
            continue
        lower = re.search(r">=([0-9][0-9A-Za-z.]*)", specifier)
        if lower is None:
            raise SystemExit(f"pyproject.toml: the {sdk} extra needs a lower bound (>=) to test the oldest release")
        out.append(f"{sdk}=={lower.group(1)}")
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("oldest", "newest"):
        raise SystemExit("usage: sdk_range.py oldest|newest")
    print(" ".join(requirements(sys.argv[1])))
