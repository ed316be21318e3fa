"""Read YAML while remembering the line of every key path, for error messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition file: where it is and what is wrong."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


def format_path(path: Path) -> str:
    """Render a key path like ``questions[2].labels.low``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class YamlDocument:
    """Parsed YAML data plus the line where each key path starts."""

    file: str
    data: Any
    lines: dict[Path, int]

    def line_of(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Path, message: str) -> Problem:
        """A Problem located at ``path`` in this document."""
        return Problem(self.file, self.line_of(path), format_path(path), message)


class YamlError(Exception):
    """The file is not readable YAML; carries the Problem describing why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse one YAML document safely; raise YamlError with a located Problem."""
    try:
        loader = yaml.SafeLoader(text)  # the reader refuses control characters here already
    except yaml.YAMLError as exc:
        raise YamlError(Problem(file, None, "", f"not valid YAML: {exc}")) from exc
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlError(Problem(file, 1, "", "the file is empty"))
        lines: dict[Path, int] = {}
        _record_lines(node, (), lines, file, frozenset())
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "not valid YAML"
        raise YamlError(Problem(file, line, "", f"not valid YAML: {reason}")) from exc
    except yaml.YAMLError as exc:
        raise YamlError(Problem(file, None, "", f"not valid YAML: {exc}")) from exc
    except RecursionError as exc:
        raise YamlError(Problem(file, None, "", "not valid YAML: nested too deeply")) from exc
    finally:
        loader.dispose()
    return YamlDocument(file, data, lines)


def _record_lines(node: yaml.Node, path: Path, lines: dict[Path, int], file: str, above: frozenset) -> None:
    """Walk the node tree, noting each path's line; refuse duplicate keys and self-referring aliases."""
    if id(node) in above:
        raise YamlError(Problem(file, node.start_mark.line + 1, format_path(path), "an alias refers to itself"))
    above = above | {id(node)}
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                line = key_node.start_mark.line + 1
                raise YamlError(Problem(file, line, format_path(path + (key,)), "this key appears twice"))
            seen.add(key)
            _record_lines(value_node, path + (key,), lines, file, above)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, path + (index,), lines, file, above)
