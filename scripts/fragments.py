"""The HTML that pages show is written as Jinja templates in overrides/fragments/, with autoescaping:
Python computes and passes data, templates present it. Every value from data/ is escaped on output,
so nothing in a data file can add markup; a template marks trusted HTML with `|safe` only where a
value is itself a rendered fragment."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
import material as material_theme

from scripts.cache import SealedBytecodeCache

FRAGMENTS = Path(__file__).resolve().parent.parent / "overrides" / "fragments"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """One per build (hooks clear it when a build starts), so templates are read once per build, not
    checked on disk at each of thousands of renders."""
    # Material's own icons (.icons/…) are there to include as inline SVG, as its templates do.
    material = Path(material_theme.__file__).parent / "templates"
    return jinja2.Environment(loader=jinja2.FileSystemLoader([FRAGMENTS, material]), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              auto_reload=False, bytecode_cache=SealedBytecodeCache("fragments"))


def fragment(template: str, **context) -> str:
    """One fragment of a page, e.g. fragment("quote.html", quote=...)."""
    return environment().get_template(template).render(**context).strip()
