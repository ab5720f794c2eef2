"""The house's shape, checked: packages by stage with imports pointing one way down the flow, no
private names across packages, errors in errors.py, modules of a few hundred lines, and the synthetic
factory apart from the product (only the fake OCR engine reads the truth its pages carry)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "dossier"
#: Leaf modules first, then the stages in flow order, then the shells. A module may import only
#: from its own package or from packages earlier in this list.
ORDER = ("dossier", "errors", "models", "files", "config", "timefmt", "naming", "codes", "periodic", "rules", "intake",
         "reading", "archive", "checks", "outputs", "catalog", "lookup", "inputs", "pipeline", "review", "web", "cli", "__main__")
MAX_LINES = 500
MODULES = sorted(PACKAGE.rglob("*.py"))


def _module(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path):
    """(line, imported module, names) of every from-import, relative ones resolved."""
    mod = _module(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base) + ("." + target if target else "")
            yield node.lineno, target, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name, []


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_one_way_down_the_flow(path):
    here = _stage(_module(path))
    assert here in ORDER, f"{path}: package {here!r} is not in the documented order"
    for line, target, names in _imports(path):
        if target.startswith("dossier."):
            there = _stage(target)
        elif target == "dossier":
            for name in names:
                assert name == here or ORDER.index(name) < ORDER.index(here), f"{path}:{line} imports {name}"
            continue
        else:
            continue
        assert there == here or ORDER.index(there) < ORDER.index(here), f"{path}:{line} imports {target} (upward)"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_private_name_crosses_a_package(path):
    mod = _module(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    for line, target, names in _imports(path):
        if not target.startswith("dossier"):
            continue
        target_package = target.rpartition(".")[0]
        for name in names:
            if name.startswith("_"):
                assert target in (package, ) or target_package == package, f"{path}:{line} imports {target}.{name}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_modules_stay_small_and_errors_live_in_errors_py(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, f"{path} has {len(text.splitlines())} lines"
    if path.name == "errors.py":
        return
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            bases = {ast.unparse(b) for b in node.bases}
            assert not any(b.endswith("Error") or b == "DossierError" for b in bases), \
                f"{path}: error class {node.name} belongs in dossier/errors.py"


def _code_strings(tree: ast.AST):
    """String constants of the code, docstrings left out."""
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docs]


def test_the_factory_is_apart_from_the_product():
    for path in MODULES:
        for line, target, names in _imports(path):
            if target.startswith("dossier_factory"):
                assert path.parent.name == "cli", f"{path}:{line}: production code imports the factory"
            if path.name != "fake.py" and target.endswith("ocr.fake"):
                assert not any("TRUTH" in n or "truth" in n for n in names), f"{path}:{line} reads the fake truth"
        if path.name != "fake.py":
            strings = _code_strings(ast.parse(path.read_text(encoding="utf-8")))
            assert not any("dossier-truth" in s or "DossierTruth" in s for s in strings), \
                f"{path}: only the fake OCR engine may read the truth of synthetic pages"


def test_every_subpackage_names_its_public_functions():
    for init in PACKAGE.rglob("__init__.py"):
        if init.parent == PACKAGE or init.parent.name == "report_templates":
            continue
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{init}: say what the package does"
        names = [n for n in tree.body if isinstance(n, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)]
        assert names, f"{init}: name the public functions in __all__"
