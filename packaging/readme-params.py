#!/usr/bin/env python3
"""readme-params.py README.md [--list]: the README's boot-parameter table (the one source of it) as scdoc for
liveinit-cmdline(7), one section per dialect and one entry per row; with --list, every parameter name of the
table, one per line (what the man-page test looks for in the rendered page)."""
import re
import sys


def rows(readme):
    """The rows of the first table after '## Boot parameters': (dialect, parameter, meaning, default)."""
    text = open(readme, encoding="utf-8").read()
    start = text.index("\n## Boot parameters") + 1
    table = []
    for line in text[start:].splitlines()[1:]:
        if line.startswith("## "):
            break
        if not line.startswith("|"):
            if table:
                break
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) != 4 or set("".join(cells)) <= set("-: "):
            continue
        table.append(cells)
    if not table or table[0][:2] != ["dialect", "parameter"]:
        sys.exit(f"{readme}: no '| dialect | parameter | meaning | default |' table under '## Boot parameters'")
    rows, dialect = [], None
    for d, p, m, dflt in table[1:]:
        dialect = d or dialect
        rows.append((dialect, p, m, dflt))
    return rows


def scd(cell):
    """Markdown inline text to scdoc: \\| to |, scdoc's markup characters escaped, `code` in bold."""
    cell = cell.replace("\\|", "|")
    out, parts = [], cell.split("`")
    for i, part in enumerate(parts):
        part = part.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
        out.append(f"*{part}*" if i % 2 and part else part)
    return "".join(out)


def names(parameter):
    """The parameter names a cell holds: `archisolabel=`, `cow_label=` / `cow_device=`, `loadsrm[=y]`."""
    return [re.sub(r"[=\[].*", "", n) for n in re.findall(r"`([^`]+)`", parameter)]


def main():
    readme = sys.argv[1]
    table = rows(readme)
    if "--list" in sys.argv[2:]:
        for _, p, _, _ in table:
            for n in names(p):
                print(n)
        return
    section = None
    for dialect, p, meaning, default in table:
        if dialect != section:
            section = dialect
            title = "All dialects" if dialect == "all" else dialect
            print(f"## {scd(title)}\n")
        print(scd(p))
        tail = f" Default: {scd(default)}." if default not in ("", "—") else ""
        print(f"\t{scd(meaning)}.{tail}\n")


if __name__ == "__main__":
    main()
