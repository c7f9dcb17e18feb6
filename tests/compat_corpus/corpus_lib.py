"""Running the corpus programs: load one by name, run it under a framework module, compare."""

import contextlib
import importlib.util
import io
import math
import pathlib
import sys

PROGRAMS = pathlib.Path(__file__).parent / "programs"


def names():
    """The program names (file stems), in order."""
    return sorted(p.stem for p in PROGRAMS.glob("p*.py"))


def load(name):
    """The program's module (its ``main(tf)`` runs it)."""
    if str(PROGRAMS) not in sys.path:
        sys.path.insert(0, str(PROGRAMS))
    spec = importlib.util.spec_from_file_location(f"corpus_{name}", PROGRAMS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(name, tf):
    """``main(tf)``'s figures, with the program's printing captured."""
    module = load(name)
    with contextlib.redirect_stdout(io.StringIO()):
        return module.main(tf)


def tolerance(name):
    """``(rtol, atol)`` of a program: its ``TOLERANCE`` or float32 round-off (atol 2e-6:
    figures rounded to 6 digits may differ by one in the last)."""
    return getattr(load(name), "TOLERANCE", (1e-5, 2e-6))


def mismatches(got, want, rtol, atol, path="figures"):
    """Where ``got`` differs from ``want`` (numbers within the tolerance), as messages."""
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(got) != set(want):
            return [f"{path}: keys {sorted(got) if isinstance(got, dict) else got!r} != "
                    f"{sorted(want)}"]
        return [m for k in want for m in mismatches(got[k], want[k], rtol, atol, f"{path}.{k}")]
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return [f"{path}: {got!r} != {want!r}"]
        return [m for i, (g, w) in enumerate(zip(got, want))
                for m in mismatches(g, w, rtol, atol, f"{path}[{i}]")]
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        if math.isnan(want) and math.isnan(got):
            return []
        if math.isclose(got, want, rel_tol=rtol, abs_tol=atol):
            return []
        return [f"{path}: {got!r} != {want!r} (rtol {rtol}, atol {atol})"]
    if got != want or type(got) is not type(want):
        return [f"{path}: {got!r} != {want!r}"]
    return []
