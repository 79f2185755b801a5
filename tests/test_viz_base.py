"""The shared widget machinery: panels kept between updates, nothing piling up."""
import pytest

from cnnlab.viz import conv, convolutions


def artists(fig):
    """Everything drawn: figure texts and each axes' artists, by kind."""
    per_axes = [(len(ax.images), len(ax.patches), len(ax.texts), len(ax.collections),
                 len(ax.lines), len(ax.tables)) for ax in fig.axes]
    return [t.get_text() for t in fig.texts], per_axes


@pytest.mark.parametrize("make, control, values", [
    (lambda: conv.ConvExplorer(), "stride", [2, 1, 2]),
    (lambda: convolutions.explorer(kind="dilated"), "dilation", [3, 2, 3]),
])
def test_panels_are_reused_and_emptied(make, control, values):
    widget = make()
    fig = widget._fig
    axes = list(fig.axes)
    widget.controls[control].value = values[0]
    first = artists(fig)
    for value in values[1:]:
        widget.controls[control].value = value
    assert widget.error is None
    assert widget._fig is fig and fig.axes == axes, "the same axes, not new ones"
    assert artists(fig) == first, "an update redraws the same picture, nothing piles up"


# ------------------------------------------------------------------ the ExplorerBase contract
def _toy():
    """A minimal explorer: n -> 10 / n, drawn as one bar."""
    import ipywidgets as widgets

    from cnnlab.viz.base import ExplorerBase

    class Toy(ExplorerBase):
        """Ten divided by n, as a bar."""

        def __init__(self):
            super().__init__({"n": widgets.IntSlider(2, min=-1, max=5)})

        def compute(self, n):
            if n < 0:
                raise ValueError("`n` must be >= 0. Received: n=-1.")
            return {"value": 10 / n}            # ZeroDivisionError at n = 0: a bug

        def draw(self, result, fig):
            fig.add_subplot().bar([0], [result["value"]])

    return Toy()


def test_contract_controls_message_picture():
    toy = _toy()
    controls, message, picture = toy.children
    assert toy.result == {"value": 5.0} and toy.updates == 1 and toy.error is None
    assert message.value == "" and toy.figure_png().startswith(b"\x89PNG")
    toy.controls["n"].value = 4                     # a control change redraws
    assert toy.result == {"value": 2.5} and toy.updates == 2


def test_contract_value_error_is_a_message_not_an_exception():
    toy = _toy()
    toy.controls["n"].value = -1
    assert "must be &gt;= 0" in toy.children[1].value and toy.error is None
    assert toy.result is None
    toy.controls["n"].value = 1                     # and the widget recovers
    assert toy.children[1].value == "" and toy.result == {"value": 10.0}


def test_contract_any_other_exception_is_shown_and_recorded():
    toy = _toy()
    toy.controls["n"].value = 0
    assert isinstance(toy.error, ZeroDivisionError)
    assert "ZeroDivisionError" in toy.children[1].value and "<pre" in toy.children[1].value


def test_contract_static_viewers_get_the_picture_and_a_summary():
    toy = _toy()
    bundle, metadata = toy._repr_mimebundle_()
    assert "Ten divided by n" in bundle["text/plain"] and "n=2" in bundle["text/plain"]
    assert "image/png" in bundle and "alt=" in bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in bundle   # the live view stays


# ------------------------------------------------------------------ no backlog while dragging
DRAG_SETUP = """
import json, time
import ipywidgets as widgets
from cnnlab.viz.base import ExplorerBase

class Slow(ExplorerBase):
    '''n as a bar; drawing takes 50 ms, like a busy figure.'''
    def __init__(self):
        self.drawn, self.computed_at = [], []
        super().__init__({"n": widgets.IntSlider(0, min=0, max=100)})
    def compute(self, n):
        self.computed_at.append(time.perf_counter())
        return {"n": n}
    def draw(self, result, fig):
        time.sleep(0.05)
        fig.add_subplot(title=f"n = {result['n']}").bar([0], [result["n"]])
        self.drawn.append((result["n"], time.perf_counter()))

def report(w):
    assert w.wait(timeout=30)
    first = w.computed_at[1]                  # the first message of the drag
    print(json.dumps({"renders": w.updates - 1, "changes": w.changes - 1,
                      "last_drawn": w.drawn[-1][0], "result": w.result["n"],
                      "error": repr(w.error), "seconds": w.drawn[-1][1] - first,
                      "messages_seconds": w.computed_at[-1] - first,
                      "background": w.background,
                      "png_is_last": same_pixels(w.out.value, last_png(w))}))

def last_png(w):
    from cnnlab.plot._figure import to_png
    return to_png(w._fig, tight=False, compress_level=1)

def same_pixels(a, b):
    import io
    import numpy as np
    from PIL import Image
    return np.array_equal(*(np.asarray(Image.open(io.BytesIO(png))) for png in (a, b)))
"""


def _drag(kc, model_id: str, values) -> None:
    """Send value updates for one slider back-to-back, as a front end without throttling would."""
    for value in values:
        content = {"comm_id": model_id,
                   "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}}
        kc.shell_channel.send(kc.session.msg("comm_msg", content))


def _run(kc, code: str) -> str:
    """Execute ``code`` in the kernel and return its stdout (fails on an error)."""
    out = []
    reply = kc.execute_interactive(
        code, timeout=60,
        output_hook=lambda m: out.append(m["content"].get("text", ""))
        if m["msg_type"] == "stream" else None)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(out)


@pytest.mark.slow
def test_a_fast_drag_in_a_kernel_is_coalesced_to_the_last_value():
    """20 back-to-back slider messages in a real kernel: few renders, the last value shown.

    Drawing takes 50 ms, so drawing every value would take over a second; the
    render thread draws the newest value and skips the ones that arrived while
    it was busy. ``background = False`` (the synchronous path, used outside a
    kernel) is the baseline that draws all 20.
    """
    import json
    import os
    from pathlib import Path

    from jupyter_client.manager import start_new_kernel

    repo = Path(__file__).resolve().parents[1]
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(repo), env.get("PYTHONPATH")) if p)
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    try:
        _run(kc, DRAG_SETUP)
        runs = {}
        for background in (True, False):
            model_id = _run(kc, f"w = Slow(); w.background = {background}; "
                                "print(w.controls['n'].model_id, end='')")
            _drag(kc, model_id, range(1, 21))
            runs[background] = json.loads(_run(kc, "report(w)"))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    fast, slow = runs[True], runs[False]
    print("coalesced:", fast, "\nsynchronous:", slow)
    assert fast["background"] and fast["changes"] == 20 and slow["renders"] == 20
    assert fast["renders"] <= 6, f"{fast['renders']} renders for 20 messages: a backlog"
    assert fast["last_drawn"] == fast["result"] == 20, "the picture shows the last value"
    assert fast["png_is_last"] and fast["error"] == "None"
    assert fast["seconds"] < slow["seconds"] / 2


def _sleepy(fail_at=None):
    """An explorer whose draw takes 20 ms and records the values it drew."""
    import time

    import ipywidgets as widgets

    from cnnlab.viz.base import ExplorerBase

    class Sleepy(ExplorerBase):
        """n as a bar, drawn slowly."""

        def __init__(self):
            self.drawn = []
            super().__init__({"n": widgets.IntSlider(0, min=0, max=100)})

        def compute(self, n):
            return {"n": n}

        def draw(self, result, fig):
            time.sleep(0.02)
            if result["n"] == fail_at:
                raise RuntimeError(f"cannot draw {fail_at}")
            fig.add_subplot(title=f"n = {result['n']}").bar([0], [result["n"]])
            self.drawn.append(result["n"])

    return Sleepy()


def test_background_renders_skip_stale_values_and_end_on_the_last():
    w = _sleepy()
    w.background = True                      # what a running kernel turns on
    for n in range(1, 31):
        w.controls["n"].value = n
        assert w.result == {"n": n}          # compute is synchronous
    assert w.wait(timeout=10)
    assert w.changes == 31 and w.updates == len(w.drawn) < 31 // 2, w.drawn
    assert w.drawn[-1] == 30 and w.error is None
    assert w._fig.axes[0].get_title() == "n = 30"


def test_a_background_draw_error_is_recorded_only_while_current():
    w = _sleepy(fail_at=7)
    w.background = True
    w.controls["n"].value = 7
    assert w.wait(timeout=10)
    assert isinstance(w.error, RuntimeError) and "cannot draw 7" in w.message.value
    w.controls["n"].value = 8                # the widget recovers
    assert w.wait(timeout=10) and w.error is None and w.drawn[-1] == 8
