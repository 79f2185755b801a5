"""Update time of the Inception cost calculator (run by hand).

python benchmarks/bench_viz_inception.py
"""
import time

from _timing import median_ms  # noqa: E402  (benchmarks/_timing.py)




def main():
    from cnnlab.viz.inception import InceptionCostExplorer, module_costs

    w = InceptionCostExplorer()
    print(f"module_costs: {median_ms(lambda i: module_costs(28, 192 + i, 64, 96, 128, 16, 32, 32), repeat=20, with_index=True):.3f} ms")
    print(f"update:       {median_ms(lambda i: setattr(w.controls['f5'], 'value', 32 + i), repeat=20, with_index=True):.1f} ms")


if __name__ == "__main__":
    main()
