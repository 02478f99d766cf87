# proof: MP202
# fails-with: Can't pickle local object|BrokenProcessPool|PicklingError
# expect-output: line counts: [3, 1]
# fix-args: --unsafe-fixes
"""Count lines of files with a closure that captures a parameter."""
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor


def count_all(paths, skip_blank):
    def count_lines(path):
        with open(path) as fh:
            return sum(1 for line in fh if line.strip() or not skip_blank)

    with ProcessPoolExecutor(max_workers=2) as ex:
        return list(ex.map(count_lines, paths))


if __name__ == "__main__":
    tmp = tempfile.mkdtemp()
    paths = []
    for name, text in (("a.txt", "x\ny\n\nz\n"), ("b.txt", "only\n")):
        paths.append(os.path.join(tmp, name))
        with open(paths[-1], "w") as fh:
            fh.write(text)
    print("line counts:", count_all(paths, True))
