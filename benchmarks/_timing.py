"""The one timing helper the widget benchmarks share (scripts import it by name)."""
import statistics
import time


def median_ms(func, repeat=15, *, with_index=False):
    """Median wall time of ``func()`` over ``repeat`` calls, in milliseconds.

    With ``with_index=True`` the call number is passed, ``func(i)``, so each
    call can move a control to a new value (a widget skips unchanged values).
    """
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        func(i) if with_index else func()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)
