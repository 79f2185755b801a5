"""Update time of the Inception cost calculator (run by hand).

python benchmarks/bench_viz_inception.py
"""
import statistics
import time


def median_ms(fn, repeat=20):
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main():
    from cnnlab.viz.inception import InceptionCostExplorer, module_costs

    w = InceptionCostExplorer()
    print(f"module_costs: {median_ms(lambda i: module_costs(28, 192 + i, 64, 96, 128, 16, 32, 32)):.3f} ms")
    print(f"update:       {median_ms(lambda i: setattr(w.controls['f5'], 'value', 32 + i)):.1f} ms")


if __name__ == "__main__":
    main()
