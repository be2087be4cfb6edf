"""The layout shows the architecture: every import inside cnru, at module level or inside a
function, goes down the layers errors < engine < dataset < validate < outputs < store, cli <
docs, and no module imports itself back through others."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "cnru"

# what each part of cnru may import of cnru (besides itself); `cnru` is the package's
# __init__ (its version)
MAY_IMPORT = {
    "cnru": set(),
    "errors": set(),
    "engine": {"errors"},  # generic: nothing of this dataset, its outputs or the validator
    "dataset": {"errors", "engine"},
    "validate": {"errors", "engine", "dataset"},  # orchestrates the checks only
    "outputs": {"cnru", "errors", "engine", "dataset", "validate"},  # from a validated package
    "store": {"engine"},  # writes engine/store.json
    "cli": {"errors", "engine", "dataset", "validate", "outputs"},
    "docs": {"engine", "dataset", "cli"},  # generated from the catalogue and the CLI
    "__main__": {"cli"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, path: Path) -> set[str]:
    """The cnru modules (or packages) a module imports, relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] \
                if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:  # `from . import store` imports the module cnru.x.store
                child = f"{target}.{alias.name}"
                found.add(child if child in MODULES else target)
    return {module for module in found if module == "cnru" or module.startswith("cnru.")}


GRAPH = {name: imported(name, path) for name, path in MODULES.items()}


def part(module: str) -> str:
    return "cnru" if module == "cnru" else module.split(".")[1]


def test_every_module_of_cnru_is_in_a_layer():
    assert {part(name) for name in MODULES} == set(MAY_IMPORT)
    assert {"cnru.engine.descriptor", "cnru.dataset.rules", "cnru.outputs.build",
            "cnru.validate", "cnru.store"} <= set(GRAPH)  # the scan saw the package


def test_each_layer_imports_only_the_layers_below_it():
    upward = sorted((name, target) for name, targets in GRAPH.items() for target in targets
                    if part(target) != part(name)
                    and part(target) not in MAY_IMPORT[part(name)])
    assert upward == []


def test_the_imports_resolve_to_modules_of_cnru():
    """What the scan reads is what Python imports: every name it resolves exists."""
    unknown = sorted({target for targets in GRAPH.values() for target in targets} - set(MODULES))
    assert unknown == []
    assert "cnru.engine.store" in GRAPH["cnru.engine.descriptor"]
    assert "cnru.dataset.matching" in GRAPH["cnru.dataset.sources"]


def test_no_module_imports_itself_through_others():
    cycles, done = [], set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycles.append(path[path.index(name):] + [name])
            return
        if name in done:
            return
        for target in sorted(GRAPH.get(name, ())):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(GRAPH):
        visit(name, [])
    assert cycles == []
