"""``Progbar``: Keras 3's progress bar.

``1875/1875 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - loss: 0.5``
"""

import math
import os
import sys
import time

import numpy as np

__all__ = ["Progbar"]

_BOLD, _GREEN, _GREY, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def _write(message):
    sys.stdout.write(message)
    sys.stdout.flush()


def _format_time(seconds_per_unit, unit_name):
    if seconds_per_unit >= 1 or seconds_per_unit == 0:
        return f" {seconds_per_unit:.0f}s/{unit_name}"
    if seconds_per_unit >= 1e-3:
        return f" {seconds_per_unit * 1e3:.0f}ms/{unit_name}"
    return f" {seconds_per_unit * 1e6:.0f}us/{unit_name}"


def _format_eta(eta):
    if eta > 3600:
        return f"{int(eta // 3600)}:{int(eta % 3600 // 60):02d}:{int(eta % 60):02d}"
    if eta > 60:
        return f"{int(eta // 60)}:{int(eta % 60):02d}"
    return f"{int(eta)}s"


def _format_value(value, use_abs=True):
    return f" {value:.4f}" if (abs(value) if use_abs else value) > 1e-3 else f" {value:.4e}"


class Progbar:
    """Displays a progress bar, exactly as Keras 3 prints it.

    Args:
        target: total number of steps expected, None if unknown.
        width: bar width in characters.
        verbose: 0 silent, 1 bar updated in place, 2 one line when finished.
        interval: minimum seconds between redraws.
        stateful_metrics: names displayed as given (not averaged over steps).
        stateless_metrics: names averaged over steps (give this or ``stateful_metrics``).
        unit_name: ``'step'`` or ``'sample'``.

    Example:
        >>> bar = nf.keras.utils.Progbar(10)
        >>> for i in range(10):
        ...     bar.update(i + 1, [('loss', 0.5)])
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 stateless_metrics=None, unit_name="step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Only one of `stateful_metrics` or `stateless_metrics` can be "
                             "provided.")
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name = interval, unit_name
        if stateful_metrics is not None:
            self.stateful_metrics, self.stateless_metrics = set(stateful_metrics), None
        elif stateless_metrics is not None:
            self.stateful_metrics, self.stateless_metrics = None, set(stateless_metrics)
        else:
            self.stateful_metrics, self.stateless_metrics = set(), None
        # A terminal or notebook redraws the bar in place, with colours; a log file, pipe or
        # CI gets one plain line per finished bar (per epoch), no escape codes or "\r".
        self._dynamic_display = ((hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
                                 or "ipykernel" in sys.modules
                                 or "PYCHARM_HOSTED" in os.environ)
        self._seen_so_far = 0
        self._values = {}
        self._values_order = []
        self._start = time.time()
        self._last_update = 0
        self._time_after_first_step = None
        self._prev_total_width = 0

    def _is_stateless(self, name):
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def _record(self, current, values, finalize):
        for name, value in values or []:
            if name not in self._values_order:
                self._values_order.append(name)
            value = _scalar(value)
            if self._is_stateless(name) and not finalize:
                base = max(current - self._seen_so_far, 1)
                total = self._values.get(name, [0.0, 0])
                self._values[name] = [total[0] + value * base, total[1] + base]
            else:
                self._values[name] = [value, 1]
        self._seen_so_far = current

    def _average(self, name):
        total, count = self._values[name]
        return float(np.mean(total)) / max(1, count)

    def update(self, current, values=None, finalize=None):
        """Moves the bar to step ``current``; ``values`` is a list of ``(name, value)``."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._record(current, values, finalize)
        now = time.time()
        per_unit = self._step_duration(current, now)
        if self.verbose == 1:
            if not finalize and (now - self._last_update < self.interval
                                 or not self._dynamic_display):
                return
            self._draw(current, now, per_unit, finalize)
        elif self.verbose == 2 and finalize and self.target:
            digits = int(math.log10(self.target)) + 1
            info = f"{current:{digits}d}/{self.target}"
            info += f" - {now - self._start:.0f}s -" + _format_time(per_unit, self.unit_name)
            for name in self._values_order:
                info += f" - {name}:" + _format_value(self._average(name), use_abs=False)
            _write(info + "\n")
        self._last_update = now

    def _draw(self, current, now, per_unit, finalize):
        dynamic = self._dynamic_display
        message = ("\b" * self._prev_total_width + "\r") if dynamic else ""
        bold, green, grey, reset = (_BOLD, _GREEN, _GREY, _RESET) if dynamic else ("",) * 4
        if self.target:
            digits = int(math.log10(self.target)) + 1
            bar = f"{bold}{current:{digits}d}/{self.target}{reset} "
            done = int(self.width * float(current) / self.target)
            if done > 0:
                bar += f"{green}{'━' * done}{reset}"
            bar += f"{grey}{'━' * (self.width - done)}{reset}"
        else:
            bar = f"{current:7d}/Unknown"
        if self.target and not finalize:
            info = f" {bold}{_format_eta(per_unit * (self.target - current))}{reset}"
        else:
            info = f" {bold}{now - self._start:.0f}s{reset}"
        info += _format_time(per_unit, self.unit_name)
        for name in self._values_order:
            info += f" - {name}:" + _format_value(self._average(name))
        total_width = _visible_width(bar + info)
        message += bar + info
        if self._prev_total_width > total_width:
            message += " " * (self._prev_total_width - total_width)
        if finalize:
            message += "\n"
        _write(message)
        self._prev_total_width = total_width

    def add(self, n, values=None):
        """Advances the bar by ``n`` steps."""
        self.update(self._seen_so_far + n, values)

    def _step_duration(self, current, now):
        # The first step (tracing, warm-up) is left out of the estimate once there are more.
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit


def _visible_width(text):
    """Characters that take room on screen (escape codes take none)."""
    for code in (_BOLD, _GREEN, _GREY, _RESET):
        text = text.replace(code, "")
    return len(text)


def _scalar(value):
    if hasattr(value, "numpy"):
        value = value.numpy()
    array = np.asarray(value)
    return float(array) if array.ndim == 0 else array
