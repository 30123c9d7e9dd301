"""The layout keeps its promises: no import cycles between the project's modules, no module
that has outgrown being one.

Imports inside functions count too: one that exists only to dodge a cycle hides a layering
problem (a model importing a feed, a block importing a schema) rather than solving it.
"""

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PACKAGES = ["cms", "pages", "directory", "bench"]
MAX_LINES = 800


def project_modules():
    """Dotted name -> path of every project module outside migrations."""
    modules = {}
    for package in PACKAGES:
        for path in (PROJECT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(PROJECT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_names(name, path):
    """Every module or attribute `name` imports, at module level or inside functions."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                module = ".".join([*parts, node.module] if node.module else parts)
            else:
                module = node.module
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def import_graph():
    modules = project_modules()
    return {
        name: {imported for imported in imported_names(name, path) if imported in modules} - {name}
        for name, path in modules.items()
    }


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycle_detection_finds_a_cycle_through_a_function_local_import():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_relative_imports_resolve_to_project_modules():
    names = imported_names("directory.exchange", PROJECT / "directory/exchange/__init__.py")
    assert any(name.startswith("directory.exchange.") for name in names)


def test_no_import_cycles_between_project_modules():
    assert cycles(import_graph()) == []


def test_no_module_is_over_800_lines():
    too_long = {
        str(path.relative_to(PROJECT)): length
        for path in project_modules().values()
        if (length := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}
