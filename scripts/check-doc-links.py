#!/usr/bin/env python3
"""Checks the Markdown links of README.md and docs/*.md: every relative link must
name an existing file, and every #anchor a heading of the file it points into
(GitHub's slugs). Usage: scripts/check-doc-links.py [FILE.md ...]; exit 1 on a
dangling link."""
import glob, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINK = re.compile(r"\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)\)")


def prose(path):
    """The file's lines outside fenced code blocks."""
    fence = None
    for line in open(path, encoding="utf-8"):
        s = line.lstrip()
        if s.startswith(("```", "~~~")):
            mark = s[:3]
            fence = None if fence == mark else (fence or mark)
            continue
        if fence is None:
            yield line


def slug(heading):
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)  # GitHub drops punctuation, keeps - and _
    return s.replace(" ", "-")


def anchors(path):
    seen, out = {}, set()
    for line in prose(path):
        m = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            base = slug(m.group(1))
            n = seen.get(base, 0)
            seen[base] = n + 1
            out.add(base if n == 0 else f"{base}-{n}")
    return out


def main(files):
    files = files or ["README.md"] + sorted(glob.glob("docs/*.md"))
    bad = 0
    for f in files:
        path = os.path.join(ROOT, f)
        for n, line in enumerate(prose(path), 1):
            for target in LINK.findall(line):
                if re.match(r"[a-z]+:", target):
                    continue  # http:, https:, mailto:
                file, _, anchor = target.partition("#")
                dest = os.path.normpath(os.path.join(os.path.dirname(path), file)) if file else path
                if not os.path.exists(dest):
                    print(f"{f}: {target}: no such file")
                    bad += 1
                elif anchor and (not dest.endswith(".md") or anchor not in anchors(dest)):
                    print(f"{f}: {target}: no heading #{anchor} in {os.path.relpath(dest, ROOT)}")
                    bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
