"""The shape every cnnlab widget shares: controls, a pure ``compute``, a ``draw``.

A widget is an ``ipywidgets.VBox`` holding its controls, a message label and
an ``Image`` widget showing one matplotlib figure as PNG. (An ``Image``, not an
``Output`` with ``clear_output``/``display``: nbclient, the engine behind
nbconvert, papermill and Jupyter Book, imitates the Output widget by sending
comm messages on the shell channel it is reading at the same time, and hangs
until its cell timeout -- jupyter/nbclient#312. Setting an Image's value is a
plain state update, which is also quicker in the browser.) Subclasses set
``self.controls`` (a dict name -> ipywidget) and implement

- ``compute(**values) -> dict``: pure, fast, no drawing; raises ``ValueError``
  with a readable message for values that make no sense;
- ``draw(result, fig)``: draw ``result`` onto the (cleared) figure ``fig``;
  or, for a widget whose layout never changes, take its axes from
  ``self.panels(fig, n, ...)``, which reuses and empties them on every update
  instead of clearing the figure (making axes is the slow part of a redraw);
  or, fastest, build axes and artists on the first draw, hand the axes to
  ``self.keep_axes(...)`` and, while ``self.kept_axes(fig)`` returns them,
  only change the artists in place (``set_data``, ``set_height``, ``set_text``).

Errors from ``compute`` go to the message label, never to a traceback; any
other exception is shown in the label *and* recorded in ``self.error`` so
tests (and the browser test) can fail on it. Tests set ``.value`` on controls
and assert on ``self.result`` and ``self.figure_png()``.

Render path. The figure is laid out once by the widget (fixed ``figsize``,
``subplots_adjust``/``panels``, nothing outside it) and drawn on the widget's
own Agg canvas at 100 dpi, without a tight bounding box (which draws the
figure twice), and Pillow encodes the pixels at zlib level 1 (about 7 ms
instead of 10.5 ms for ~25 % more bytes). What remains is matplotlib's Agg
drawing, mostly its text, so a widget that changes artists in place marks them
with :meth:`animate`: while nothing else on the figure changed, an update
restores the kept picture of the rest and draws only those artists
(:meth:`_picture`); when nothing changed at all, the last PNG is shown again.

No backlog while a slider is dragged. ``compute`` runs at once in the control's
observer, so ``self.result`` is current as soon as ``.value`` is set. The
picture is drawn at once too -- in plain Python and pytest, and for the first
picture at construction (a saved notebook's static view needs it) -- but inside
a running kernel afterwards (``self.background``) drawing and PNG go to one
render thread shared by all explorers: it draws the newest result and skips
every result computed while it was busy, so at most one picture per explorer is
being made and the last one shown is for the last values. The kernel answers
each control message right after ``compute``; JupyterLab's widget manager sends
at most one unanswered message per control and merges the values that wait,
so it then sends the newest value at once instead of after a whole render.
While the thread draws, ``self.result`` in that thread is the result being
drawn (``draw`` and in-place ``_redraw`` overrides see one consistent result);
the figure is guarded by a lock and nothing but the render thread touches it
after construction (``figure_png`` and the static bundle wait for it first).
``self.changes`` counts updates requested (construction and each control
change), ``self.updates`` pictures drawn: equal outside a kernel, fewer inside
one while dragging. ``wait()`` blocks until the picture is current (tests,
benchmarks, a cell that reads the picture); ``last_update_seconds`` is the
time from the change to its picture.

Where no widget can run (nbconvert's HTML without saved widget state, GitHub and
nbviewer previews, a printout, a screen reader) an explorer still says what it
shows: its output bundle holds, next to the widget view, its current picture
(``image/png`` with alt text in its metadata; ``text/html``: the picture with
alt text and a caption) and a one-line ``text/plain`` :meth:`summary` (what it
shows, its control values). Front ends with a live widget manager show the
widget; nbconvert's HTML exporter drops the widget view when the notebook saved
no state for it and shows the HTML picture and caption instead.
"""
from __future__ import annotations

import html
import re
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

import ipywidgets as widgets

from cnnlab.plot._figure import DPI, new_figure, png_bundle, rgba_to_png, to_png


class ExplorerBase(widgets.VBox):
    """Controls, a message line and a picture; subclasses give ``compute`` and ``draw``.

    See the module docstring for the contract. A minimal explorer::

        class Square(ExplorerBase):
            def __init__(self):
                super().__init__({"n": widgets.IntSlider(value=2, min=1, max=9)})
            def compute(self, n):
                return {"n": n, "square": n * n}
            def draw(self, result, fig):
                fig.add_subplot().bar(["n", "n²"], [result["n"], result["square"]])
    """

    #: figure size in inches
    figsize = (8, 3.5)

    def __init__(self, controls: dict, *, layout_controls=None, **kwargs):
        super().__init__(**kwargs)
        self.controls = dict(controls)
        self.message = widgets.HTML()
        self.out = widgets.Image(format="png")
        self.error = None
        self.changes = 0
        self.updates = 0
        self.last_update_seconds = None
        self._fig = None
        self._result = None
        self._draws = {"whole": 0, "blit": 0, "same": 0}   # how pictures were made
        self._state = threading.Condition()   # guards the counters below
        self._figure_lock = threading.Lock()  # one thread draws the figure at a time
        self._local = threading.local()       # the render thread's snapshot of `result`
        self._wanted = 0                      # the change the newest result answers
        self._pending = False                 # a background render is queued or running
        self._changed_at = time.perf_counter()
        self.background = False               # the first render is synchronous
        for control in self.controls.values():
            if hasattr(control, "value"):
                control.observe(self.update, names="value")
        box = layout_controls if layout_controls is not None else widgets.HBox(
            list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        self.children = (box, self.message, self.out)
        self.update()
        self.background = _in_kernel()

    # -- to implement -------------------------------------------------
    def compute(self, **values) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def draw(self, result: dict, fig) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- machinery ----------------------------------------------------
    @property
    def result(self):
        """The newest ``compute`` result (``None`` after an error).

        Inside the render thread, while a picture is drawn, it is the result
        being drawn, so ``draw``/``_redraw`` see one consistent result even if a
        newer one has been computed meanwhile.
        """
        try:
            return getattr(self._local, "result", self._result)
        except AttributeError:          # read before ExplorerBase.__init__ ran
            return None

    @result.setter
    def result(self, value):
        self._result = value

    def values(self) -> dict:
        """Current control values by name."""
        return {k: c.value for k, c in self.controls.items() if hasattr(c, "value")}

    def update(self, *_):
        """Recompute now and redraw; called whenever a control changes.

        ``compute`` runs at once, so :attr:`result` is current when this
        returns. The picture is drawn at once too, except inside a running
        kernel after construction (``self.background``): there it is handed to
        the render thread, which always draws the newest result and skips the
        ones computed while it was busy (:meth:`wait` blocks until it is done).
        """
        with self._state:
            self.changes += 1
            self._changed_at = time.perf_counter()
            self.message.value = ""
            self.error = None
        try:
            result = self.compute(**self.values())
        except ValueError as err:
            self._publish(None, f"<span style='color:#b00'>{html.escape(str(err))}</span>")
            return
        except Exception as err:  # noqa: BLE001 - shown, recorded, not raised
            self._publish(None, "<pre style='color:#b00'>"
                                f"{html.escape(traceback.format_exc())}</pre>", err)
            return
        generation = self._publish(result)
        if self.background:
            self._request_render()
        else:
            self._render(generation, result)

    def _publish(self, result, message=None, error=None) -> int:
        """Make ``result`` the newest (a new generation); show a compute error."""
        with self._state:
            self._wanted = self.changes     # the change this result answers
            self._result = result
            if message is not None:
                self.message.value = message
                self.error = error
            return self._wanted

    def _request_render(self):
        with self._state:
            if self._pending:       # the queued/running job picks up the newest result
                return
            self._pending = True
        _render_pool().submit(self._render_newest)

    def _render_newest(self):
        """Render thread: draw the newest result until no newer one is waiting."""
        drawn = None
        try:
            while True:
                with self._state:
                    generation, result = self._wanted, self._result
                    if generation == drawn or result is None:
                        # checked and released under one lock: an update
                        # arriving now sees no pending job and queues a new one
                        self._pending = False
                        self._state.notify_all()
                        return
                self._render(generation, result)
                drawn = generation
        except BaseException:
            with self._state:
                self._pending = False
                self._state.notify_all()
            raise

    def _render(self, generation: int, result):
        """Draw ``result`` and show it; a draw error is shown if still current."""
        with self._figure_lock:
            self._local.result = result
            try:
                self._redraw()
            except Exception as err:  # noqa: BLE001
                with self._state:
                    if generation == self.changes:   # no newer change: not moot
                        self.error = err
                        self.message.value = ("<pre style='color:#b00'>"
                                              f"{html.escape(traceback.format_exc())}</pre>")
            finally:
                del self._local.result
            with self._state:
                self.updates += 1
                self.last_update_seconds = time.perf_counter() - self._changed_at

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the picture shows the newest result; ``False`` on timeout.

        Returns at once outside a kernel, where every update is drawn at once.
        """
        with self._state:
            return self._state.wait_for(lambda: not self._pending, timeout)

    def _redraw(self):
        if self._fig is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            # Not through pyplot: pyplot keeps every figure it made until
            # closed, and a widget's figure lives as long as the widget.
            self._fig = new_figure(figsize=self.figsize, layout=None)
            self._fig.set_dpi(DPI)
            FigureCanvasAgg(self._fig)      # our own Agg canvas: blitting needs one
        if not getattr(self, "_panels", None):
            self._fig.clear()
            self._animated = []
        self.draw(self.result, self._fig)
        self._show()

    def animate(self, *artists) -> None:
        """Mark ``artists`` as the ones ``draw`` changes in place on every update.

        The rest of the figure (axes, ticks, labels, titles that stay) is then
        drawn once and kept as a picture; an update restores that picture and
        draws only these artists over it -- as long as nothing else on the
        figure changed (matplotlib's ``stale`` flag, which changes to animated
        artists do not raise). Anything else that changes (axis limits, a text
        not marked here) makes the next update draw the whole figure again,
        so marking is a matter of speed only, with one rule: an animated
        artist is drawn on top of everything that is not animated.
        ``tests/test_viz_blit.py`` checks every explorer's pictures against
        whole redraws pixel for pixel.

        An artist's children are marked too (a legend moves its own frame and
        boxes when drawn, which would otherwise make the axes stale after
        every picture). Mark artists of an axes, not of the figure itself:
        ``savefig`` leaves a figure's animated texts out of the static
        picture, so use ``ax.text(..., transform=fig.transFigure)`` for a
        changing heading. Artists removed since they were marked are
        forgotten.
        """
        for artist in artists:
            for part in artist.findobj():
                part.set_animated(True)
        kept = [a for a in getattr(self, "_animated", []) if a.figure is not None]
        self._animated = [*kept, *artists]

    def keep_axes(self, *axes) -> None:
        """Keep ``axes`` (and the figure) between updates: ``draw`` changes them in place.

        After this the figure is no longer cleared before each ``draw``; a
        widget that builds its axes itself calls it once, right after making
        them. With no axes the figure is cleared before every ``draw`` again.
        """
        self._panels = tuple(axes) or None
        self._animated = []
        self._kept_picture = None

    def kept_axes(self, fig):
        """The axes given to :meth:`keep_axes` if they are still ``fig``'s, else ``None``.

        ``None`` tells ``draw`` to build its axes and artists anew (first
        draw, or the figure was cleared or rebuilt since).
        """
        panels = getattr(self, "_panels", None)
        return panels if panels and fig.axes == list(panels) else None

    def panels(self, fig, ncols: int, *, width_ratios=None, **adjust):
        """A row of ``ncols`` axes for ``draw``, emptied and kept between updates.

        On the first call (or when ``fig`` holds other axes) the figure is
        cleared and the row is made with ``width_ratios``, then laid out with
        ``fig.subplots_adjust(**adjust)``. Later calls remove what the last
        ``draw`` put on the axes and on the figure, and return the same axes.
        """
        panels = self.kept_axes(fig)
        if panels:
            for ax in panels:
                for artist in [*ax.images, *ax.patches, *ax.texts, *ax.collections,
                               *ax.tables, *ax.lines, *ax.artists]:
                    artist.remove()
            for text in list(fig.texts):
                text.remove()
            return panels
        fig.clear()
        self.keep_axes(*fig.subplots(1, ncols, gridspec_kw={"width_ratios": width_ratios}))
        fig.subplots_adjust(**adjust)
        return self._panels

    def _show(self):
        """Put the current figure into the Image widget (only inside IPython)."""
        from IPython import get_ipython
        if get_ipython() is None:   # plain Python (tests, doctests): nothing to display
            return
        self.out.value = self._picture()

    def _picture(self) -> bytes:
        """The figure as the PNG the widget shows, drawing only what changed.

        Nothing changed (the figure and every marked artist are not stale):
        the last PNG again. Only animated artists changed
        (:meth:`animate`): the kept picture of the rest, those artists drawn
        over it in z-order. Otherwise the whole figure, whose picture without
        the animated artists is kept for the next update.
        """
        fig = self._fig
        canvas = fig.canvas
        marked = [a for a in getattr(self, "_animated", ())
                  if a.figure is fig and (a.axes is None or a.axes in fig.axes)]
        animated = sorted((a for a in marked if a.get_visible()), key=lambda a: a.get_zorder())
        if fig.stale or getattr(self, "_kept_picture", None) is None:
            canvas.draw()                   # everything but the animated artists
            self._kept_picture = canvas.copy_from_bbox(fig.bbox)
            self._draws["whole"] += 1
        elif getattr(self, "_png", None) and not any(a.stale for a in marked):
            self._draws["same"] += 1        # drawing sets stale False; changes set it True
            return self._png
        else:
            canvas.restore_region(self._kept_picture)
            self._draws["blit"] += 1
        for artist in animated:
            (artist.axes or fig).draw_artist(artist)
        self._png = rgba_to_png(canvas.buffer_rgba(), compress_level=PNG_COMPRESS_LEVEL)
        return self._png

    def summary(self) -> str:
        """One line for static views: class, what it shows, current control values."""
        doc = (type(self).__doc__ or "").strip().splitlines()
        what = doc[0].strip().rstrip(".") if doc else "an interactive figure"
        values = ", ".join(f"{k}={v!r}" for k, v in self.values().items())
        if len(values) > 200:
            values = values[:197] + "..."
        text = f"{type(self).__name__}: {what}" + (f" — {values}" if values else "")
        problem = re.sub(r"<[^>]+>", "", self.message.value).strip()
        if problem:
            text += f" — {problem.splitlines()[-1][:200]}"
        return text

    def _repr_mimebundle_(self, **kwargs):
        """The widget view plus, for static viewers, the picture and :meth:`summary`."""
        data = super()._repr_mimebundle_(**kwargs) or {}
        self.wait(timeout=30)               # the picture of the current values
        summary = self.summary()
        png = self.out.value
        if not png and self._fig is not None:
            with self._figure_lock:
                png = to_png(self._fig)
        if not png:
            return {**data, "text/plain": summary}
        picture, metadata = png_bundle(bytes(png), summary)
        # a static page shows one mimetype per output: text/html (picture, alt
        # text and the summary as caption) when the widget view cannot run
        text = html.escape(summary)
        picture["text/html"] = (
            f"<figure class='cnnlab-static'><img src='data:image/png;base64,"
            f"{picture['image/png']}' alt='{html.escape(summary, quote=True)}'>"
            f"<figcaption>{text}</figcaption></figure>")
        return {**data, **picture}, metadata

    def figure_png(self) -> bytes:
        """The current figure as PNG bytes (tests compare these), after :meth:`wait`."""
        self.wait()
        if self._fig is None:
            return b""
        with self._figure_lock:
            return to_png(self._fig, dpi=50, tight=False)


#: zlib level of a widget's PNG (see :func:`cnnlab.plot._figure.to_png`)
PNG_COMPRESS_LEVEL = 1
_POOL = None
_POOL_LOCK = threading.Lock()


def _render_pool():
    """The one render thread every explorer shares (started on first use)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cnnlab-render")
        return _POOL


def _in_kernel() -> bool:
    """True inside a running IPython kernel (a notebook), not in plain Python or IPython."""
    from IPython import get_ipython
    return getattr(get_ipython(), "kernel", None) is not None
