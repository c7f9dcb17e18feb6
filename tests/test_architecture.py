"""The package's shape: imports only point downward, and ``import neuroflow`` stays light."""

import ast
import pathlib
import subprocess
import sys

import neuroflow

ROOT = pathlib.Path(neuroflow.__file__).parent
# Lower rank = lower layer. A module may import only from its own rank or below.
# distribute sits below keras (as tf.distribute below tf.keras): optimizers and fit ask the
# strategy in force; onnx reads keras models, so it sits above keras.
RANKS = {"backend": 0, "core": 1, "graph": 2, "compat": 3, "data": 3, "distribute": 3, "keras": 4,
         "onnx": 5, "teach": 6, "cli": 7, "__main__": 8}
API_RANK = 3.5   # the top-level namespace modules (math.py, nn.py, ...) re-export core/graph


def _rank(parts):
    if not parts:
        return 9  # the package __init__ sees everything
    head = parts[0]
    if head in RANKS:
        return RANKS[head]
    return API_RANK


def _imports(path):
    """(module parts) this file imports from inside neuroflow."""
    rel = path.relative_to(ROOT).with_suffix("").parts
    package = rel[:-1] if rel[-1] != "__init__" else rel[:-1]
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                if node.module:
                    yield tuple(base + node.module.split(".")), node.lineno
                else:  # ``from .. import keras`` imports the names themselves
                    for alias in node.names:
                        yield tuple(base + [alias.name]), node.lineno
            elif node.module and node.module.startswith("neuroflow"):
                yield tuple(node.module.split(".")[1:]), node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("neuroflow."):
                    yield tuple(alias.name.split(".")[1:]), node.lineno


def test_no_upward_imports():
    bad = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("").parts
        if rel == ("__init__",):
            continue
        own = _rank(rel if rel[-1] != "__init__" or len(rel) > 1 else ())
        for target, line in _imports(path):
            if _rank(target) > own:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {'.'.join(target)}")
    assert not bad, "upward imports:\n" + "\n".join(bad)


def test_never_imports_other_frameworks():
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in {"tensorflow", "torch", "jax", "keras"}, \
                    f"{path} imports {name}"


def test_import_is_light():
    code = ("import sys, neuroflow as nf; x = nf.constant([1.0]) * 2; "
            "heavy = [m for m in ('scipy', 'matplotlib', 'cupy', 'h5py', 'tensorflow', 'torch',"
            " 'neuroflow.keras') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]", f"import neuroflow pulled in {out}"
