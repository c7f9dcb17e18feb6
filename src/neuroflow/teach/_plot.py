"""Figures for the lecture demos: matplotlib when installed, a one-line hint when not."""

import os

HINT = "(pictures need matplotlib: pip install 'neuroflow[plots]')"


def pyplot():
    """matplotlib.pyplot on the non-interactive Agg backend, or None when not installed."""
    try:
        import matplotlib  # noqa: PLC0415 - optional and heavy: loaded only to draw

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        return None
    return plt


def save(fig, out_dir, name, echo=print):
    """Saves ``fig`` as ``out_dir/name`` (PNG), closes it and returns the path."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    pyplot().close(fig)
    echo(f"wrote {path}")
    return path
