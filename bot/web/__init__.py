"""The web chat channel: a page, an embeddable widget and a JSON API over the conversation core.

`app.py` holds the routes, `chat.py` turns API calls into core calls, `sessions.py` stores
sessions and messages, `live.py` wakes long polls, `limits.py` rate-limits, `delivery.py` and
`mail.py` send what the ticket desk owes to web residents, `server.py` runs it all.
"""
