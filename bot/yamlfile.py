"""YAML loading that remembers where each mapping and key stood, for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode


class LineDict(dict[str, Any]):
    """A YAML mapping with the 1-based line of the mapping and of each of its keys."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YamlSyntaxError(Exception):
    def __init__(self, path: Path, line: int, column: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path, self.line, self.column, self.message = path, line, column, message


# libyaml parses about ten times faster than the pure-Python parser (every start, reload and
# learned entry loads the whole knowledge); the constructors below are the same for both.
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    duplicate_keys: list[tuple[str, int]]


def _construct_mapping(loader: _LineLoader, node: MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in mapping:
            loader.duplicate_keys.append((str(key), line))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = line
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> tuple[Any, list[tuple[str, int]]]:
    """Parse one YAML file; returns the data and any keys repeated within one mapping."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(path, 1, 1, f"plik nie jest zapisany w UTF-8 ({exc.reason})") from exc
    return _parse(text, path)


def load_yaml_text(text: str) -> Any:
    """Parse YAML text (not yet a file) the same way; raises YamlSyntaxError."""
    return _parse(text, Path("<text>"))[0]


def _parse(text: str, path: Path) -> tuple[Any, list[tuple[str, int]]]:
    loader = _LineLoader(text)
    loader.duplicate_keys = []
    try:
        return loader.get_single_data(), loader.duplicate_keys
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlSyntaxError(path, line, column, _describe(exc, _line(text, line))) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(path, 1, 1, str(exc)) from exc
    finally:
        loader.dispose()


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _describe(exc: yaml.MarkedYAMLError, line: str = "") -> str:
    """A hint a coordinator can act on; PyYAML's own words ("while parsing a block
    mapping, expected <block end>") mean little to them."""
    problem = f"{exc.context or ''} {exc.problem or ''}"
    if "'\\t'" in problem or line[: len(line) - len(line.lstrip())].count("\t"):
        return "błąd składni YAML: tabulator we wcięciu – wcinaj tylko spacjami"
    if "could not find expected ':'" in problem or "unexpected end of stream" in problem:
        return "błąd składni YAML: brak dwukropka albo niezamknięty cudzysłów"
    if "mapping values are not allowed" in problem:
        return ("błąd składni YAML: dwukropek w tekście – ujmij tekst w cudzysłów "
                "albo popraw wcięcie")
    return "błąd składni YAML: złe wcięcie albo brak cudzysłowu"
