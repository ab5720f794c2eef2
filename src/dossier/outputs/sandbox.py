"""The Jinja sandbox reports render in: autoescape, ``StrictUndefined``, each template source compiled once."""

from __future__ import annotations

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment


class _Environment(SandboxedEnvironment):
    """The sandbox, compiling each template source once per process: docxtpl compiles the XML of every
    part on every render, and a template file gives the same sources each time (an edited copy gives
    new ones)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._compiled: dict[str, object] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        found = self._compiled.get(source)
        if found is None:
            if len(self._compiled) >= 256:
                self._compiled.clear()
            found = self._compiled[source] = super().from_string(source)
        return found


_ENVIRONMENTS: dict[bool, _Environment] = {}


def environment(autoescape: bool = True) -> SandboxedEnvironment:
    env = _ENVIRONMENTS.get(autoescape)
    if env is None:
        env = _ENVIRONMENTS[autoescape] = _Environment(autoescape=autoescape, undefined=StrictUndefined)
    return env
