"""The coordinator's web desk (/koordynator): tickets, knowledge, meetings in a browser."""
