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
NOT_TEXT = "Czytam tylko wiadomości tekstowe. Napisz proszę pytanie słowami."
PRIVACY_NOTE = (
    "Prywatność: gdy przekazujesz pytanie koordynatorowi, zapisujemy jego treść, Twoje imię, "
    "nazwę użytkownika i identyfikator czatu, aby odpowiedź trafiła do Ciebie; "
    "przechowujemy je {days} dni."
)
MENU_PROMPT = "Wybierz temat albo po prostu napisz pytanie:"
ASK_COORDINATOR = "Zapytaj koordynatora"
ASK_PROMPT = "Napisz swoje pytanie w jednej wiadomości, a przekażę je koordynatorowi klastra."
PASS_ON = "Przekaż koordynatorowi"
NO_THANKS = "Nie, dziękuję"
NO_THANKS_REPLY = "Dobrze. Jeśli masz inne pytanie, po prostu je napisz."
HELPED = "Pomogło"
NOT_HELPED = "Nie pomogło – zapytaj koordynatora"
THANKS_FOR_FEEDBACK = "Dziękuję, to pomaga mi się uczyć!"
BACK_TO_MENU = "« Menu"
CHOOSE_QUESTION = "Wybierz pytanie:"
HANDED_OFF = (
    "Przekazano koordynatorowi jako zgłoszenie #{number}; odpowiedź przyjdzie w tym czacie."
)
JOINED_TICKET = (
    "Dopisałem to do Twojego zgłoszenia #{number}; odpowiedź koordynatora przyjdzie w tym czacie."
)
ALREADY_HANDED_OFF = (
    "To pytanie jest już w zgłoszeniu #{number}; odpowiedź koordynatora przyjdzie w tym czacie."
)
OFFER_EXPIRED = "To pytanie już wygasło. Napisz je proszę jeszcze raz."
COORDINATOR_ANSWER = "Odpowiedź koordynatora (zgłoszenie #{number}):\n\n{text}"
APOLOGY = "Przepraszam, coś poszło nie tak po mojej stronie. Spróbuj proszę za chwilę."
COORDINATORS_ONLY = "Ta funkcja jest tylko dla koordynatorów klastra."
UPCOMING_HEADER = "Najbliższe spotkania:"
NO_MEETINGS = "Na razie nie ma zaplanowanych spotkań."
ADD_TO_CALENDAR = "📅 Dodaj do kalendarza"
CALENDAR_CAPTION = "Otwórz plik, aby dodać spotkanie do kalendarza w telefonie lub komputerze."
MEETING_GONE = "Tego spotkania nie ma już w kalendarzu klastra."
REMINDERS_ON = "🔔 Włącz przypomnienia"
REMINDERS_OFF = "🔕 Wyłącz przypomnienia"
REMINDERS_PITCH = "Chcesz, żebym przypominał o spotkaniach i przekazywał ogłoszenia klastra?"
REMINDERS_STATE_ON = (
    "Przypomnienia są włączone: napiszę {lead} przed każdym spotkaniem i prześlę ogłoszenia "
    "koordynatora."
)
REMINDERS_STATE_OFF = (
    "Przypomnienia są wyłączone. Po włączeniu napiszę {lead} przed każdym spotkaniem "
    "i prześlę ogłoszenia koordynatora."
)
REMINDERS_PRIVATE_ONLY = "Przypomnienia ustawisz w prywatnej rozmowie ze mną."
REMINDER = "🔔 Przypomnienie o spotkaniu:\n\n{meeting}"
ANNOUNCEMENT = "📢 Ogłoszenie Klastra Energii Powiatu Częstochowskiego:\n\n{text}"
ANNOUNCE_USAGE = "Użycie: /ogloszenie treść ogłoszenia"
ANNOUNCE_STARTED = "Wysyłam ogłoszenie do {count} osób z włączonymi przypomnieniami…"
ANNOUNCE_REPORT = "Ogłoszenie dostarczone: {delivered}. Zablokowali bota: {blocked} (wypisani)."
ANNOUNCE_FAILED = " Nie udało się wysłać: {failed}."
RELOADED = "Baza wiedzy wczytana ({how}): {entries} wpisów, {meetings} spotkań."
RELOAD_FAILED = (
    "Nie wczytano nowej bazy wiedzy ({how}): {count} błędów. Bot dalej używa poprzedniej. "
    "Popraw:"
)
TOO_MANY = "Dostałem dużo wiadomości naraz. Odczekaj minutę i napisz ponownie."
MY_DATA_TITLE = "Twoje dane zapisane przez bota"
MY_DATA_NO_TICKETS = "Zgłoszenia do koordynatora: brak."
MY_DATA_FOOTER = (
    "Zgłoszenia przechowujemy {days} dni, potem usuwamy z nich treść i dane osobowe. "
    "Wszystko to możesz usunąć od razu: /usun_dane"
)
STATUS = {"open": "otwarte", "answered": "z odpowiedzią", "closed": "zamknięte"}
FORGET_CONFIRM = (
    "Usunąć wszystkie Twoje dane? Znikną treści Twoich zgłoszeń, odpowiedzi, Twoje imię i "
    "nazwa użytkownika oraz zapis na przypomnienia. Numery zgłoszeń zostaną tylko do statystyk."
)
FORGET_YES = "Tak, usuń moje dane"
FORGET_NO = "Nie"
FORGET_CANCELLED = "Dobrze, niczego nie usunąłem."
FORGOTTEN = "Usunięte. Zgłoszeń bez Twoich danych: {count}. Przypomnienia wyłączone."
BAN_USAGE = "Użycie: /blokuj ID_UŻYTKOWNIKA (numer z /zgloszenia lub /id)"
UNBAN_USAGE = "Użycie: /odblokuj ID_UŻYTKOWNIKA"
BANNED = "Użytkownik {user_id} zablokowany: bot nie będzie odpowiadał na jego wiadomości."
UNBANNED = "Użytkownik {user_id} odblokowany."
NOT_BANNED = "Użytkownik {user_id} nie był zablokowany."
UNKNOWN_COMMAND = (
    "Nie znam tej komendy. Wpisz /start, aby zobaczyć menu, albo po prostu zadaj pytanie."
)
STATS_USAGE = "Użycie: /statystyki [liczba dni, domyślnie 30]"
LEARN = "➕ Dodaj do bazy wiedzy"
LEARN_NEW = "Jako nowy wpis (wybierz kategorię)"
LEARN_AS_PHRASING = "Jako pytanie do: "
CANCEL = "Anuluj"
LEARN_NOTHING = "Tego zgłoszenia nie da się dodać: nie ma już jego treści albo odpowiedzi."
LEARNED = (
    "Dodano do bazy wiedzy ({entry}, plik {file}). Następny mieszkaniec z tym pytaniem "
    "dostanie odpowiedź od razu."
)
NOT_LEARNED = "Nie dodano: {reason}."
