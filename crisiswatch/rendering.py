"""The one Jinja2 environment crisiswatch renders with: sandboxed, StrictUndefined.

Text people wrote is only ever passed as data (a variable), never as template source, so a
tweet containing `{{ 7*7 }}` renders literally.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment

from crisiswatch.errors import ConfigError


@lru_cache(maxsize=8)
def template_environment(templates_dir: Path) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(templates_dir)),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render(templates_dir: Path, name: str, **context: Any) -> str:
    """Render templates/<name> with `context`; a missing template names the setting to fix."""
    env = template_environment(Path(templates_dir))
    try:
        template = env.get_template(name)
    except TemplateNotFound:
        raise ConfigError(f"template {name!r} not found under {templates_dir}", setting="CRISISWATCH_TEMPLATES_DIR") from None
    return template.render(**context)
