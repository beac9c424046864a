"""Where the CPU went during a benchmark: the machine, each party's processes, the kernel.

Read from /proc, in clock ticks; bench/intake.py samples before and after each wrk run,
bench/intake_writes.py reads one PostgreSQL backend.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class CpuSample:
    at: float
    machine_busy: int
    interrupts: int  # irq + softirq: the kernel's loopback TCP work, charged to no process
    by_pid: dict[int, tuple[str, int, int]]  # pid: (comm, parent pid, own + children's ticks)
    children_seconds: float  # CPU of reaped children: wrk, once it has exited


def read_processes() -> dict[int, tuple[str, int, int]]:
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        # utime + stime + cutime + cstime: a worker or backend that exits is reaped by its
        # parent (gunicorn's master, the postmaster), whose children's time then holds it.
        ticks = sum(int(f) for f in fields[11:15])
        processes[int(entry.name)] = (comm, int(fields[1]), ticks)
    return processes


def cpu_sample() -> CpuSample:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return CpuSample(
        at=time.monotonic(),
        machine_busy=sum(values[:8]) - idle,
        interrupts=values[5] + values[6],
        by_pid=read_processes(),
        children_seconds=usage.ru_utime + usage.ru_stime,
    )


def descendants(root: int, processes: dict[int, tuple[str, int, int]]) -> set[int]:
    found = {root}
    grew = True
    while grew:
        new = {pid for pid, (_, ppid, _) in processes.items() if ppid in found} - found
        found |= new
        grew = bool(new)
    return found


Group = Callable[[dict[int, tuple[str, int, int]]], set[int]]


def cpu_use(before: CpuSample, after: CpuSample, server_pid: int) -> dict[str, float]:
    """Cores used on average by each party between two samples (2.0 = both cores busy)."""
    elapsed = after.at - before.at

    def cores(group: Group) -> float:
        # Each sample's members summed apart: a process that started meanwhile counts in
        # full, one that exited is in its parent's children's time, and neither twice.
        def total(sample: CpuSample) -> int:
            return sum(sample.by_pid[p][2] for p in group(sample.by_pid))

        return (total(after) - total(before)) / CLOCK_TICKS / elapsed

    def named(prefix: str) -> Group:
        return lambda by_pid: {p for p, (comm, _, _) in by_pid.items() if comm.startswith(prefix)}

    use = {
        "machine": (after.machine_busy - before.machine_busy) / CLOCK_TICKS / elapsed,
        "gunicorn": cores(lambda by_pid: descendants(server_pid, by_pid)),
        "postgres": cores(named("postgres")),
        "redis": cores(named("redis-server")),
        "wrk": (after.children_seconds - before.children_seconds) / elapsed,
        "irq": (after.interrupts - before.interrupts) / CLOCK_TICKS / elapsed,
    }
    # Whatever else ran meanwhile (another process on the machine): the figures' noise.
    use["other"] = max(use["machine"] - sum(v for k, v in use.items() if k != "machine"), 0.0)
    return use


def process_ticks(pid: int) -> int:
    """utime + stime of one process (a PostgreSQL backend), in clock ticks."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])
