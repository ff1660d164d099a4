"""The services and selectors are typed and documented: every public function
has annotations for its parameters and result, and a docstring."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

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
