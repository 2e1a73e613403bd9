"""No module of rehearse imports itself through others.

import-linter keeps the layers one way and the TUI's modules acyclic (pyproject.toml); this
checks the whole package, module by module, including imports made only for type checking.
"""

import grimp


def test_no_module_reaches_itself_through_its_imports() -> None:
    graph = grimp.build_graph("rehearse")
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                cycles.append(" -> ".join([module, *back]))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
