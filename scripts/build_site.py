"""Build the site into site/ atomically: build into a fresh folder, swap it in only on success.

A failed build (bad data, a broken page) exits non-zero and leaves the last good site/ untouched.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(destination: Path = ROOT / "site") -> int:
    staging = Path(tempfile.mkdtemp(prefix=".site-build-", dir=ROOT))
    staging.chmod(0o755)   # mkdtemp makes it private; a web server running as another user must read it
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(staging)],
                            cwd=ROOT, env=env)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"Build failed; {destination.name}/ was left as it was.", file=sys.stderr)
        return result.returncode
    old = None
    if destination.exists():
        old = Path(tempfile.mkdtemp(prefix=".site-old-", dir=ROOT))
        os.rename(destination, old / "site")
    os.rename(staging, destination)
    if old:
        shutil.rmtree(old)
    print(f"Built {destination.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(build())
