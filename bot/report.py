"""A self-contained HTML report for the coordinator (Polish, opens offline), and a CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from html import escape
from pathlib import Path

from bot.insights import Day, Stats, UnansweredGroup, duration_text
from bot.knowledge import KnowledgeBase
from bot.meetings import WARSAW
from bot.plural import DAYS, QUESTIONS, count
from bot.texts import DEFAULT_CLUSTER, DEFAULT_CLUSTER_OF

MESSAGES = ("wiadomość", "wiadomości", "wiadomości")

_EMOJI_FONTS = '"Noto Color Emoji","Apple Color Emoji","Segoe UI Emoji"'
_PAGE_STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif,
EMOJI;margin:0;color:#1d2a35;background:#f4f6f8;line-height:1.4}
main{max-width:980px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px;overflow-wrap:anywhere}
.sub{color:#5a6b7a;margin:0 0 20px}
@media (max-width:600px){main{padding:14px}h1{font-size:21px}}
""".replace("EMOJI", _EMOJI_FONTS)
# The report's parts, scoped to `.report`: the offline page and the desk's statistics page
# (which serves the same file) both use them.
REPORT_STYLE = (Path(__file__).parent / "desk" / "static" / "report.css").read_text(
    encoding="utf-8")
LEARN_HINT = ("Podobne pytania są zgrupowane. Warto dopisać je do bazy wiedzy (odpowiadając "
              "na zgłoszenie, użyj przycisku „Dodaj do bazy wiedzy”).")
Actions = Callable[[UnansweredGroup], str]


def render_report(stats: Stats, knowledge: KnowledgeBase, generated: dt.datetime, *,
                  cluster_of: str = DEFAULT_CLUSTER_OF, cluster: str = DEFAULT_CLUSTER) -> str:
    """The whole page, to save and open offline."""
    period = period_text(stats)
    stamp = f"{generated.astimezone(WARSAW):%d.%m.%Y %H:%M}"
    return f"""<!DOCTYPE html>
<html lang="pl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(cluster)} – raport infolinii, {escape(period.lower())}</title>
<style>{_PAGE_STYLE}{REPORT_STYLE}</style></head>
<body><main class="report">
<h1>Raport infolinii {escape(cluster_of)}</h1>
<p class="sub">{escape(period)} · wygenerowano {stamp}</p>
{report_sections(stats, knowledge)}
</main></body></html>
"""


def period_text(stats: Stats) -> str:
    return f"Ostatnie {count(stats.days, DAYS)}" if stats.days != 1 else "Ostatni dzień"


def report_sections(stats: Stats, knowledge: KnowledgeBase, *, hint: str = LEARN_HINT,
                    actions: Actions | None = None, action_header: str = "") -> str:
    """Cards, charts, top entries and unanswered questions (inside an element of class
    `report`); `actions` adds a cell of links per unanswered question (trusted HTML)."""
    def question_of(entry_id: str) -> str:
        entry = knowledge.entry(entry_id)
        return entry.question if entry else entry_id

    period = period_text(stats)
    asked = stats.questions > 0

    def share(part: int) -> str:
        return _percent(stats.share(part)) if asked else "—"

    rate = stats.helped_rate
    cards = [
        ("Pytania", str(stats.questions)),
        ("Odpowiedziane od razu", share(stats.answered)),
        ("Z propozycjami „Czy chodzi o”", share(stats.suggested)),
        ("Bez gotowej odpowiedzi", share(stats.no_answer + stats.direct)),
        ("Przekazane koordynatorowi", str(stats.handed_off)),
        ("„Pomogło”", "—" if rate is None else _percent(rate)),
        ("Mediana czasu odpowiedzi", duration_text(stats.median_reply)),
        ("Oceny odpowiedzi koordynatora", stats.answer_rating_text),
        ("Otwarte zgłoszenia", str(stats.open_tickets)),
    ]
    top_rows = "".join(
        f"<tr><td>{escape(question_of(entry_id))}<div class='muted'>{escape(entry_id)}</div>"
        f"</td><td class='n'>{number}</td></tr>" for entry_id, number in stats.top_entries
    ) or ("<tr><td colspan='2' class='muted'>"
          + ("Na żadne pytanie nie odpowiedziałem od razu." if asked else "Brak pytań.")
          + "</td></tr>")
    columns = 3 + (actions is not None)
    unanswered_rows = "".join(
        f"<tr><td>{escape(group.example)}"
        + (f"<div class='muted'>także: {escape(' · '.join(group.wordings[1:4]))}</div>"
           if len(group.wordings) > 1 else "")
        + f"</td><td class='n'>{group.count}</td>"
        f"<td class='n d'>{group.last_asked.astimezone(WARSAW):%d.%m.%Y}</td>"
        + (f"<td class='actions'>{actions(group)}</td>" if actions is not None else "")
        + "</tr>"
        for group in stats.unanswered[:50]
    ) or (f"<tr><td colspan='{columns}' class='muted'>"
          + ("Każde pytanie dostało odpowiedź od razu albo po wyborze z propozycji."
             if asked else "Brak pytań.") + "</td></tr>")
    action_th = (f"<th class='actions'>{escape(action_header)}</th>" if actions is not None
                 else "")
    card_html = "".join(
        f"<div class='card'><span>{escape(label)}</span>"
        f"<b{'' if _is_figure(value) else ' class=words'}>{escape(value)}</b></div>"
        for label, value in cards)
    small_talk = (f"<p class='muted'>Poza tym {count(stats.small_talk, MESSAGES)} bez pytania "
                  "(„ok”, „dzięki”, emotki) – nie liczę ich jako pytań.</p>"
                  if stats.small_talk else "")
    empty = ("" if asked else
             f"<p class='empty'>W tym okresie ({period.lower()}) nikt nie zadał pytania. "
             "Wykresy i tabele poniżej są puste.</p>")
    return f"""<section class="cards">{card_html}</section>{empty}{small_talk}
<h2>Liczba pytań dziennie</h2>
<div class="panel">{volume_chart(stats.daily)}</div>
<h2>Odsetek pytań z odpowiedzią od razu</h2>
<div class="panel">{answer_rate_chart(stats.daily)}</div>
<h2>Najczęstsze tematy</h2>
<div class="panel"><table><tr><th>Pytanie z bazy wiedzy</th><th class="n">Ile razy</th></tr>
{top_rows}</table></div>
<h2 id="bez-odpowiedzi">Pytania bez odpowiedzi</h2>
<div class="panel"><p class="muted">{escape(hint)}</p>
<table class="unanswered"><tr><th>Pytanie</th><th class="n">Ile razy</th>
<th class="n d">Ostatnio</th>{action_th}</tr>
{unanswered_rows}</table></div>"""


def volume_chart(days: list[Day]) -> str:
    """One bar per day, drawn with HTML and CSS: its labels stay readable at any width."""
    top = max([d.questions for d in days] + [1])
    columns = "".join(
        f"<div class='col' title='{d.day:%d.%m}: {count(d.questions, QUESTIONS)}'>"
        f"<div class='bar h{_height(d.questions, top)}'></div></div>"
        for d in days)
    scale = f"maks. {top}" if any(d.questions for d in days) else "brak pytań"
    return _chart(days, columns, scale, "Wykres liczby pytań dziennie")


def answer_rate_chart(days: list[Day]) -> str:
    """Per day the share answered at once; a day without questions stays empty."""
    columns = "".join(
        (f"<div class='col' title='{d.day:%d.%m}: {_percent(d.answered / d.questions)} "
         f"z {count(d.questions, QUESTIONS)}'>"
         f"<div class='rate h{_height(d.answered, d.questions)}'></div></div>")
        if d.questions else
        f"<div class='col' title='{d.day:%d.%m}: brak pytań'><div class='none'></div></div>"
        for d in days)
    return _chart(days, columns, "100%", "Wykres odsetka pytań z odpowiedzią")


def _height(part: int, whole: int) -> int:
    """A bar's height in whole percent; anything above zero stays visible."""
    return max(round(100 * part / whole), 2) if part else 0


def _chart(days: list[Day], columns: str, scale: str, label: str) -> str:
    return (f"<div class='chart' role='img' aria-label='{label}'>"
            f"<div class='scale'>{scale}</div><div class='plot'>{columns}</div>"
            f"<div class='axis'>{_axis(days)}</div></div>")


def _axis(days: list[Day], labels: int = 5) -> str:
    """A few dates under the chart, spread evenly: first, last and some between."""
    if not days:
        return ""
    picks = sorted({round(i * (len(days) - 1) / max(labels - 1, 1)) for i in range(labels)})
    return "".join(f"<span>{days[i].day:%d.%m}</span>" for i in picks)


def _is_figure(value: str) -> bool:
    return len(value) <= 6


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def unanswered_csv(stats: Stats) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["pytanie", "ile_razy", "ostatnio", "inne_sformulowania"])
    for group in stats.unanswered:
        writer.writerow([group.example, group.count,
                         group.last_asked.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M"),
                         " | ".join(group.wordings[1:])])
    return out.getvalue()
