"""Readable without a live kernel: figures and explorers export to HTML as pictures with alt text.

A small notebook (a figure cell and an explorer cell) is executed with nbclient
and exported with nbconvert's HTML exporter (what ``jupyter nbconvert --to html``
runs). Alt text comes from the PNG's output metadata, which nbconvert's
``classic`` template reads (jupyter/nbconvert#1112); its default ``lab`` template
(nbconvert 7.17) does not yet and writes a placeholder, so the pictures are
checked with both templates and the alt text with ``classic``. Saved without widget state -- JupyterLab's default, and what GitHub and
nbviewer then see -- the explorer shows its picture, alt text and summary; saved
with widget state, nbconvert keeps the live widget view instead.
"""
from __future__ import annotations

import html
import os
import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from cnnlab.plot._figure import describe, new_figure
from cnnlab.viz import conv

FIGURE_CELL = """\
import cnnlab
fig = cnnlab.plot.figure(figsize=(2, 2))
fig.add_subplot(title="A rising line", xlabel="x", ylabel="y").plot([0, 1], [0, 1])
fig"""
WIDGET_CELL = """\
from cnnlab.viz.conv import ConvExplorer
ConvExplorer()"""
SUMMARY = "ConvExplorer: Slide a 3x3 kernel over an image"


def executed(store_widget_state: bool):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FIGURE_CELL),
                                         nbformat.v4.new_code_cell(WIDGET_CELL)])
    env = dict(os.environ, CNNLAB_PROFILE="ci", MPLBACKEND="Agg")
    NotebookClient(nb, kernel_name="python3", timeout=120,
                   store_widget_state=store_widget_state).execute(env=env)
    return nb


def images(page: str) -> list[dict]:
    """The ``<img>`` tags of an HTML page as attribute dicts."""
    return [dict((k, html.unescape(v)) for k, v in re.findall(r'(\w+)="([^"]*)"', tag))
            for tag in re.findall(r"<img\b[^>]*>", page)]


def test_figure_and_explorer_bundles_carry_alt_text_and_a_summary():
    fig = new_figure()
    fig.add_subplot(title="Loss", xlabel="epoch", ylabel="loss")
    data, meta = fig._repr_mimebundle_()
    assert meta == {"image/png": {"alt": "Figure: Loss (epoch vs loss)"}}
    assert data["text/plain"] == "Figure: Loss (epoch vs loss)"
    fig.alt_text = "Training loss falls from 2.3 to 0.4 in five epochs."
    assert fig._repr_mimebundle_()[1]["image/png"]["alt"] == fig.alt_text

    widget = conv.ConvExplorer()
    widget.controls["stride"].value = 2
    data, meta = widget._repr_mimebundle_()
    assert {"application/vnd.jupyter.widget-view+json", "image/png", "text/html",
            "text/plain"} <= set(data)
    assert data["text/plain"].startswith(SUMMARY)
    assert "stride=2" in data["text/plain"]
    assert meta["image/png"]["alt"] == data["text/plain"]


def test_describe_counts_panels_and_skips_colorbars():
    fig = new_figure()
    fig.suptitle("Pooling")
    left, right = fig.subplots(1, 2)
    left.set_title("input")
    right.set_title("output")
    fig.colorbar(right.imshow([[0, 1]]), ax=right)
    assert describe(fig) == "Figure: Pooling, 3 panels: input; output"


@pytest.mark.slow
def test_html_export_shows_the_pictures_with_alt_text():
    nb = executed(store_widget_state=False)
    lab, _ = HTMLExporter().from_notebook_node(nb)
    assert len(images(lab)) == 2, "the figure and the explorer's picture"
    assert f"<figcaption>{SUMMARY}" in lab, "the explorer's one-line summary"
    classic, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    found = images(classic)
    alts = [img.get("alt", "") for img in found]
    assert "Figure: A rising line (x vs y)" in alts
    widget_alt = [a for a in alts if a.startswith(SUMMARY)]
    assert len(widget_alt) == 1 and "padding='valid'" in widget_alt[0]
    assert all(img["src"].startswith("data:image/png;base64,") for img in found)

    with_state, _ = HTMLExporter().from_notebook_node(executed(store_widget_state=True))
    assert "application/vnd.jupyter.widget-view+json" in with_state     # the live view
    assert len(images(with_state)) == 1, "only the figure: the explorer is a live widget"
