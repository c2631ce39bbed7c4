"""Polish wording shared by every channel (console, Telegram)."""

GREETING = (
    "Dzień dobry! Jestem infolinią Klastra Energii Powiatu Częstochowskiego.\n"
    "Napisz pytanie własnymi słowami, np. „jak dołączyć do klastra” albo "
    "„czym jest spółdzielnia energetyczna”. Możesz też wybrać temat z menu."
)
SUGGEST_INTRO = "Nie jestem pewien, o co pytasz. Czy chodzi o:"
NONE_OF_THESE = "Żadne z tych – zapytaj koordynatora"
NO_ANSWER = (
    "Nie mam gotowej odpowiedzi na to pytanie. Mogę przekazać je koordynatorowi klastra: "
    "odpowie w tym czacie."
)
HANDOFF_OFFER = "Przekazać pytanie koordynatorowi?"
NOT_TEXT = "Czytam tylko wiadomości tekstowe. Napisz proszę pytanie słowami."
