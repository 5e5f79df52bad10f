"""Second run of unchanged input against its yardstick, the first run, in one go: generate the demo's exports,
`cxpulse run` them into an empty warehouse (the first run), `cxpulse run` again on the same files (which must
find nothing changed and do no work), and `cxpulse run --force` (the same second run doing its work anyway, as
every run did before the check existed).

    python bench/second_run.py --scale 50000 [--engine duckdb|postgresql] [--pg-url URL]

Each run is its own process (wall-clock seconds, CPU seconds and peak resident memory by GNU time, see
bench/pipeline.py; on a shared machine the CPU seconds say what the run itself cost).
Prints the three side by side, the second run's share of the first (target: at most 5%), and a JSON summary.
"""

from __future__ import annotations

import json

from pipeline import bench_arguments, cxpulse_command, demo_workspace, timed

TARGET_SHARE = 0.05


def main() -> None:
    args = bench_arguments(__doc__)
    run = [cxpulse_command(), "run", "--quiet"]
    results: dict[str, object] = {"scale": args.scale, "engine": args.engine}
    with demo_workspace(args, results) as (work, env):
        first, second, forced = (timed(command, work, env) for command in (run, run, [*run, "--force"]))
    share = second["seconds"] / first["seconds"]
    results.update(first_run=first, second_run=second, second_run_forced=forced, second_share_of_first=share)
    print(f"{'scale ' + str(args.scale) + ', ' + args.engine:<34} {'seconds':>9} {'CPU s':>9} {'peak MiB':>9}")
    for label, figures in (("first run (yardstick)", first), ("second run, unchanged input", second),
                           ("second run --force (no check)", forced)):
        print(f"{label:<34} {figures['seconds']:>9.1f} {figures['cpu_seconds']:>9.1f} {figures['peak_rss_mib']:>9}")
    verdict = "meets" if share <= TARGET_SHARE else "misses"
    cpu_share = second["cpu_seconds"] / first["cpu_seconds"]
    print(f"second / first = {share:.1%} ({verdict} the target of {TARGET_SHARE:.0%}); by CPU time {cpu_share:.1%};"
          f" --force / first = {forced['seconds'] / first['seconds']:.1%}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
