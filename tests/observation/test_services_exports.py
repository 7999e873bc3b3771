"""What observation's services package re-exports: named imports, no star, and every public name of the
modules it gathers (a function added to one of them is importable from the package as the others are)."""

import ast
import importlib
from pathlib import Path

import electoral.observation.services as services

PACKAGE = Path(services.__file__).parent


def _gathered_modules() -> list[str]:
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    return [node.module for node in tree.body if isinstance(node, ast.ImportFrom)]


def _public_names(module: str) -> set[str]:
    found = importlib.import_module(module)
    if hasattr(found, "__all__"):
        return set(found.__all__)
    names = set()
    for node in ast.parse(Path(found.__file__).read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return {name for name in names if not name.startswith("_")}


def test_the_package_imports_by_name_without_a_star():
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    assert not [alias for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names if alias.name == "*"]
    assert len(_gathered_modules()) >= 10


def test_every_public_name_of_a_gathered_module_is_exported_once():
    for module in _gathered_modules():
        missing = _public_names(module) - set(services.__all__)
        assert not missing, f"{module}: {sorted(missing)} not exported by electoral.observation.services"
    assert len(services.__all__) == len(set(services.__all__))
    assert all(hasattr(services, name) for name in services.__all__)
