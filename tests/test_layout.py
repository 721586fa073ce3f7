"""The layout tells the pipeline: no import cycles, and the engine names no rule."""

import ast
from pathlib import Path

from tunelint.rules import all_rules

SOURCE = Path(__file__).parent.parent / "src" / "tunelint"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every tunelint module ``path`` imports, at the top or inside a function (imports only
    for type checking left out: they never run)."""
    tree = ast.parse(path.read_text())
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tunelint"):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("tunelint")}
    return found


def _graph() -> dict[str, set[str]]:
    """Module -> the modules it imports; a module's own parent packages are left out (they
    are initialised before it, so importing them can close no cycle)."""
    modules = {_module_name(path): path for path in SOURCE.rglob("*.py")}
    return {
        name: {
            imported
            for imported in _imports(path) & set(modules)
            if imported != name and not name.startswith(f"{imported}.")
        }
        for name, path in modules.items()
    }


def test_no_import_cycle_in_the_package():
    graph = _graph()
    cycles = []
    for start in graph:
        stack = [(start, [start])]
        seen = set()
        while stack:
            module, trail = stack.pop()
            for imported in graph[module]:
                if imported == start:
                    cycles.append(" -> ".join([*trail, start]))
                elif imported not in seen and not imported.startswith(f"{start}."):
                    seen.add(imported)
                    stack.append((imported, [*trail, imported]))
    assert cycles == []


def test_the_engine_names_no_rule_id():
    engine = (SOURCE / "engine.py").read_text()
    named = [
        rule_id for rule_id in all_rules() if f'"{rule_id}"' in engine or f"'{rule_id}'" in engine
    ]
    assert named == []


def test_rules_declare_their_line_formats_as_applies_to():
    """``formats`` was the old name: a rule setting it would silently check only chat."""
    assert [rule_id for rule_id, rule in all_rules().items() if "formats" in vars(rule)] == []
