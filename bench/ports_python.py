# A CPU-bound Python workload (bench/run.sh python): an interpreter's usual work, calls and
# attribute access on small objects in loops (what pystone measures), dicts and strings,
# sorting. Prints "name seconds s" lines, timed with time.process_time (the process's CPU
# time), so start-up and the host's boot are not in them.
import time


def timed(name, f):
    t0 = time.process_time()
    f()
    print(f"{name} {time.process_time() - t0:.3f} s")


class Record:
    __slots__ = ("ident", "value", "link")

    def __init__(self, ident, value, link=None):
        self.ident = ident
        self.value = value
        self.link = link

    def step(self, k):
        self.value = (self.value * 31 + k) % 1000003
        return self.value


def objects():
    head = None
    for i in range(200):
        head = Record(i, i * 7, head)
    total = 0
    for k in range(12000):
        r = head
        while r is not None:
            total += r.step(k) & 1
            r = r.link
    assert total > 0


def dicts_and_strings():
    counts = {}
    words = [f"w{i % 997}x{i % 13}" for i in range(600000)]
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    text = ",".join(sorted(counts))
    assert len(text.split(",")) == len(counts)


def sort_numbers():
    x = 12345
    values = []
    for _ in range(400000):
        x = (x * 1103515245 + 12345) % 2147483648
        values.append(x)
    values.sort()
    assert values[0] <= values[-1]


timed("python_objects", objects)
timed("python_dicts_strings", dicts_and_strings)
timed("python_sort", sort_numbers)
