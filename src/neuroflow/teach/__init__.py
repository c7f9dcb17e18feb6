"""The lecture, runnable: teaching demos and figures."""
