"""Time the transfer explorer's update on MobileNetV2 (96x96, no top) + a new head (run by hand).

    .venv/bin/python benchmarks/bench_viz_transfer.py

Prints the median time of ``compute`` alone and of a whole update (compute +
refilling the figure's bars) when the "freeze blocks 1…N" slider moves; the
target is < 50 ms median for the Python side of an update. The last line adds
rendering the figure to PNG, which the notebook front end pays on display.
"""
import os
import time

from _timing import median_ms  # noqa: E402  (benchmarks/_timing.py)

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")




def main():
    import keras

    from cnnlab.models import transfer
    from cnnlab.viz.transfer import TransferExplorer

    base = keras.applications.MobileNetV2(weights=None, include_top=False,
                                          input_shape=(96, 96, 3))
    model = transfer.new_head(base, 10)
    start = time.perf_counter()
    w = TransferExplorer(model)
    print(f"MobileNetV2 + head: {len(w.rows)} layers, {len(w.block_names)} blocks; "
          f"widget built in {1000 * (time.perf_counter() - start):.0f} ms")
    values = w.values()
    print(f"compute                 {median_ms(lambda: w.compute(**values)):6.1f} ms")
    print(f"update (compute + draw) {median_ms(w.update):6.1f} ms")
    slider = w.controls["frozen_blocks"]

    def move():
        slider.value = 12 if slider.value != 12 else 6
    print(f"slider move (all boxes) {median_ms(move):6.1f} ms")
    print(f"+ render to PNG (what a notebook's display adds) "
          f"{median_ms(lambda: (move(), w.figure_png())):6.1f} ms")


if __name__ == "__main__":
    main()
