#!/usr/bin/env python3
"""compare.py EXPECTED ACTUAL: both JSON `List`s (or bare lists); equal as parsed JSON values
(key order ignored, list order kept). Prints the first difference."""
import json
import sys


def items(path):
    text = open(path).read()
    v = json.loads(text)
    return v["items"] if isinstance(v, dict) else v


def diff(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: {json.dumps(a)[:200]} != {json.dumps(b)[:200]}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in {'expected' if k in a else 'actual'}"
            d = diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
    elif isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, f"{path}[{i}]")
            if d:
                return d
    elif a != b:
        return f"{path}: {json.dumps(a)} != {json.dumps(b)}"
    return None


def main():
    expected, actual = items(sys.argv[1]), items(sys.argv[2])
    d = diff(expected, actual)
    if d:
        print("differs:", d)
        sys.exit(1)
    print(f"same {len(expected)} pods")


if __name__ == "__main__":
    main()
