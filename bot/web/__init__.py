"""The web chat channel: a page, an embeddable widget and a JSON API over the conversation core.

`app.py` holds the routes, `chat.py` turns API calls into core calls, `sessions.py` stores
sessions and messages, `commit.py` stores what requests write in one transaction per turn of
the event loop, `live.py` wakes long polls, `limits.py` rate-limits, `delivery.py` and `mail.py`
send what the ticket desk owes to web residents, `server.py` runs it all (alone or beside
Telegram). `static/` has the page, its script and style, and the widget.
"""
