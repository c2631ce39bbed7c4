"""A self-contained HTML report for the coordinator (Polish, opens offline), and a CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html import escape

from bot.insights import Day, Stats, duration_text
from bot.knowledge import KnowledgeBase
from bot.meetings import WARSAW

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2a35;
background:#f4f6f8}
main{max-width:980px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 10px}
.sub{color:#5a6b7a;margin:0 0 20px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.card{background:#fff;border-radius:10px;padding:14px 16px;box-shadow:0 1px 3px #0002}
.card b{display:block;font-size:26px;margin-top:4px}.card span{color:#5a6b7a;font-size:13px}
.panel{background:#fff;border-radius:10px;padding:16px;box-shadow:0 1px 3px #0002}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:7px 8px;
border-bottom:1px solid #e3e8ec;vertical-align:top}th{font-size:13px;color:#5a6b7a}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.muted{color:#5a6b7a;font-size:13px}svg text{font-size:11px;fill:#5a6b7a}
"""


def render_report(stats: Stats, knowledge: KnowledgeBase, generated: dt.datetime) -> str:
    def question_of(entry_id: str) -> str:
        entry = knowledge.entry(entry_id)
        return entry.question if entry else entry_id

    rate = stats.helped_rate
    cards = [
        ("Pytania", str(stats.questions)),
        ("Odpowiedziane od razu", _percent(stats.share(stats.answered))),
        ("Z propozycjami „Czy chodzi o”", _percent(stats.share(stats.suggested))),
        ("Bez gotowej odpowiedzi", _percent(stats.share(stats.no_answer + stats.direct))),
        ("Przekazane koordynatorowi", str(stats.handed_off)),
        ("„Pomogło”", "—" if rate is None else _percent(rate)),
        ("Mediana czasu odpowiedzi", duration_text(stats.median_reply)),
        ("Otwarte zgłoszenia", str(stats.open_tickets)),
    ]
    top_rows = "".join(
        f"<tr><td>{escape(question_of(entry_id))}<div class='muted'>{escape(entry_id)}</div>"
        f"</td><td class='n'>{count}</td></tr>" for entry_id, count in stats.top_entries
    ) or "<tr><td colspan='2' class='muted'>Brak odpowiedzi w tym okresie.</td></tr>"
    unanswered_rows = "".join(
        f"<tr><td>{escape(group.example)}"
        + (f"<div class='muted'>także: {escape(' · '.join(group.wordings[1:4]))}</div>"
           if len(group.wordings) > 1 else "")
        + f"</td><td class='n'>{group.count}</td>"
        f"<td class='n'>{group.last_asked.astimezone(WARSAW):%d.%m.%Y}</td></tr>"
        for group in stats.unanswered[:50]
    ) or "<tr><td colspan='3' class='muted'>Wszystkie pytania miały odpowiedź.</td></tr>"
    stamp = f"{generated.astimezone(WARSAW):%d.%m.%Y %H:%M}"
    card_html = "".join(f"<div class='card'><span>{escape(label)}</span><b>{escape(value)}</b>"
                        f"</div>" for label, value in cards)
    return f"""<!DOCTYPE html>
<html lang="pl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Raport infolinii klastra – ostatnie {stats.days} dni</title>
<style>{_STYLE}</style></head>
<body><main>
<h1>Raport infolinii Klastra Energii Powiatu Częstochowskiego</h1>
<p class="sub">Ostatnie {stats.days} dni · wygenerowano {stamp}</p>
<section class="cards">{card_html}</section>
<h2>Liczba pytań dziennie</h2>
<div class="panel">{volume_chart(stats.daily)}</div>
<h2>Odsetek pytań z odpowiedzią od razu</h2>
<div class="panel">{answer_rate_chart(stats.daily)}</div>
<h2>Najczęstsze tematy</h2>
<div class="panel"><table><tr><th>Pytanie z bazy wiedzy</th><th class="n">Odpowiedzi</th></tr>
{top_rows}</table></div>
<h2>Pytania bez odpowiedzi</h2>
<div class="panel"><p class="muted">Podobne pytania są zgrupowane. Warto dopisać je do bazy
wiedzy (odpowiadając na zgłoszenie, użyj przycisku „Dodaj do bazy wiedzy”).</p>
<table><tr><th>Pytanie</th><th class="n">Ile razy</th><th class="n">Ostatnio</th></tr>
{unanswered_rows}</table></div>
</main></body></html>
"""


def volume_chart(days: list[Day], width: int = 920, height: int = 200) -> str:
    top = max([d.questions for d in days] + [1])
    step = width / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        bar = (height - 30) * day.questions / top
        x = index * step
        bars.append(
            f"<rect class='bar' x='{x + 1:.1f}' y='{height - 20 - bar:.1f}' "
            f"width='{max(step - 2, 1):.1f}' height='{bar:.1f}' fill='#2f7d5b'>"
            f"<title>{day.day:%d.%m}: {day.questions} pytań</title></rect>")
    return _svg(width, height, "".join(bars) + _axis(days, step, height) +
                f"<text x='0' y='10'>maks. {top}</text>", "Wykres liczby pytań dziennie")


def answer_rate_chart(days: list[Day], width: int = 920, height: int = 200) -> str:
    step = width / max(len(days), 1)
    points = [(index * step + step / 2, height - 20 - (height - 30) * day.answered / day.questions)
              for index, day in enumerate(days) if day.questions]
    line = ""
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        dots = "".join(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='#1f5f9c'/>"
                       for x, y in points)
        line = (f"<polyline class='rate' points='{path}' fill='none' stroke='#1f5f9c' "
                f"stroke-width='2'/>{dots}")
    grid = "".join(f"<line x1='0' x2='{width}' y1='{height - 20 - (height - 30) * p:.1f}' "
                   f"y2='{height - 20 - (height - 30) * p:.1f}' stroke='#e3e8ec'/>"
                   f"<text x='2' y='{height - 23 - (height - 30) * p:.1f}'>{int(p * 100)}%</text>"
                   for p in (0.0, 0.5, 1.0))
    return _svg(width, height, grid + line + _axis(days, step, height),
                "Wykres odsetka pytań z odpowiedzią")


def _axis(days: list[Day], step: float, height: int) -> str:
    every = max(1, len(days) // 10)
    return "".join(f"<text x='{i * step:.1f}' y='{height - 5}'>{d.day:%d.%m}</text>"
                   for i, d in enumerate(days) if i % every == 0)


def _svg(width: int, height: int, body: str, label: str) -> str:
    return (f"<svg role='img' aria-label='{label}' viewBox='0 0 {width} {height}' "
            f"width='100%' preserveAspectRatio='none'>{body}</svg>")


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
