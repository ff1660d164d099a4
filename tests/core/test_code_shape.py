"""The services and selectors are typed and documented: every public function
has annotations for its parameters and result, and a docstring. No module
imports another module's private names (those starting with ``_``)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

PACKAGES = ["enrollment.services", "core"]
MODULES = [
    "enrollment.selectors",
    "enrollment.seats",
    "programs.selectors",
    "programs.services",
    "partners.selectors",
    "partners.services",
]


def modules():
    names = list(MODULES)
    for package in PACKAGES:
        module = importlib.import_module(package)
        names += [
            f"{package}.{info.name}"
            for info in pkgutil.iter_modules(module.__path__)
            if info.name not in ("apps", "migrations", "models")
        ]
    return names


def public_functions(module):
    for name, value in vars(module).items():
        if (
            not name.startswith("_")
            and inspect.isfunction(value)
            and value.__module__ == module.__name__
        ):
            yield name, value


@pytest.mark.parametrize("module_name", modules())
def test_public_functions_are_typed_and_documented(module_name):
    module = importlib.import_module(module_name)
    missing = []
    for name, function in public_functions(module):
        function = inspect.unwrap(getattr(function, "func", function))
        signature = inspect.signature(function)
        untyped = [
            p.name
            for p in signature.parameters.values()
            if p.annotation is inspect.Parameter.empty
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
        if untyped or signature.return_annotation is inspect.Signature.empty:
            missing.append(f"{name}: types of {untyped or 'the result'}")
        if not (function.__doc__ or "").strip():
            missing.append(f"{name}: no docstring")
    assert missing == []


ROOT = Path(__file__).resolve().parents[2]
PROJECT = (
    "core",
    "programs",
    "enrollment",
    "partners",
    "copp",
    "demo",
    "tests",
    "bench",
)


def private_imports(path: Path) -> list[str]:
    """``from x import _name`` and ``x._name`` of the project's modules in one file
    (``_`` alone, gettext's alias, is not a private name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level or (node.module or "").split(".")[0] in PROJECT
        ):
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}"
                for alias in node.names
                if alias.name.startswith("_") and alias.name != "_"
            ]
    return found


def test_no_module_imports_a_private_name_of_another():
    files = [
        path
        for package in PROJECT
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    ]
    assert len(files) > 100
    assert [hit for path in files for hit in private_imports(path)] == []
