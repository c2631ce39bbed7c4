"""Polish wording shared by every channel (console, Telegram).

Counts go through bot.plural ("1 osoba", "2 osoby", "5 osób"); the cluster's name comes from
the configuration (`cluster.*`), so texts naming it take {cluster_of} (genitive) or {cluster}.
"""

from bot.plural import ENTRIES, ERRORS, MEETINGS, PEOPLE, count

DEFAULT_CLUSTER_OF = "Klastra Energii Powiatu Częstochowskiego"
GREETING = (
    "Dzień dobry! Jestem infolinią {cluster_of}.\n"
    "Napisz pytanie własnymi słowami, np. „jak dołączyć do klastra” albo "
    "„czym jest spółdzielnia energetyczna”. Możesz też wybrać temat z menu."
)
GREETING_COORDINATOR = " Na pytania, na które nie znam odpowiedzi, odpowiada koordynator " \
    "klastra: {coordinator_org}."


def greeting(cluster_of: str = DEFAULT_CLUSTER_OF, coordinator_org: str = "") -> str:
    text = GREETING.format(cluster_of=cluster_of)
    if coordinator_org:
        text += GREETING_COORDINATOR.format(coordinator_org=coordinator_org)
    return text


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
THANKS_FOR_FEEDBACK = "Dziękuję za ocenę!"
BACK_TO_MENU = "« Menu"
CHOOSE_QUESTION = "{category} – wybierz pytanie:"
HANDED_OFF = (
    "Przekazałem pytanie koordynatorowi (zgłoszenie nr {number}). Odpowiedź przyjdzie tutaj."
)
JOINED_TICKET = (
    "Dopisałem to do Twojego zgłoszenia nr {number}. Odpowiedź koordynatora przyjdzie tutaj."
)
ALREADY_HANDED_OFF = (
    "To pytanie jest już w zgłoszeniu nr {number}. Odpowiedź koordynatora przyjdzie tutaj."
)
CORRECTED_TICKET = "Poprawiłem treść w zgłoszeniu nr {number}; koordynator zobaczy poprawkę."
TICKET_WAITING = (
    "Twoje zgłoszenie nr {number} czeka na koordynatora. Odpowiedź przyjdzie tutaj, "
    "gdy tylko ją napisze."
)
OFFER_EXPIRED = "Ten przycisk jest już nieaktualny – napisz pytanie jeszcze raz."
NOT_YOUR_BUTTON = "Ten przycisk jest dla innej osoby."
NOT_HELPED_PROMPT = (
    "Przykro mi, że nie pomogłem. Napisz proszę, czego zabrakło w odpowiedzi – przekażę to "
    "koordynatorowi razem z Twoim pytaniem."
)
PASS_ON_AS_IS = "Przekaż bez dopisywania"
MISSING_PREFIX = "Czego zabrakło w odpowiedzi"
PRIVATE_ONLY = {
    "handoff": (
        "Nie mam gotowej odpowiedzi. Pytania do koordynatora przyjmuję w prywatnej rozmowie, "
        "żeby nikt w tej grupie nie widział Twoich danych – kliknij przycisk, a pytanie będzie "
        "już tam czekać."
    ),
    "ask": "Pytania do koordynatora przyjmuję w prywatnej rozmowie – kliknij przycisk.",
    "my_data": "Twoje dane pokażę tylko w prywatnej rozmowie – kliknij przycisk.",
    "forget": "Dane usunę w prywatnej rozmowie – kliknij przycisk.",
    "reminders": "Przypomnienia ustawisz w prywatnej rozmowie ze mną – kliknij przycisk.",
}
OPEN_PRIVATE_CHAT = "Otwórz prywatną rozmowę"
CONFIRM_PENDING_QUESTION = "Twoje pytanie: „{question}”. Przekazać je koordynatorowi?"
FOREIGN_LANGUAGE = {
    "en": "I answer in Polish only, but I can pass your question to the coordinator, who can "
          "reply in English.",
    "uk": "Я відповідаю лише польською, але можу передати ваше питання координатору – він "
          "може відповісти українською.",
    "ru": "Я отвечаю только по-польски, но могу передать ваш вопрос координатору – он может "
          "ответить по-русски.",
    "de": "Ich antworte nur auf Polnisch, kann Ihre Frage aber an den Koordinator "
          "weiterleiten, der auch auf Deutsch antworten kann.",
}
ATTACHMENT_NAMES = {"photo": "zdjęcie", "document": "plik", "voice": "wiadomość głosową",
                    "audio": "nagranie", "video": "film", "video_note": "wideo"}
ATTACHED = "Dołączyłem {what} do zgłoszenia nr {number}."
ATTACHMENT_NO_TICKET = (
    "Czytam tylko tekst. Jeśli chcesz przesłać {what} koordynatorowi, wybierz „Zapytaj "
    "koordynatora” w menu (/start) albo napisz pytanie – wtedy dołączę {what} do zgłoszenia."
)
PHONE_CONSENT = (
    "Dołączyć numer {phone} do zgłoszenia nr {number}? Koordynator zobaczy go i będzie mógł "
    "oddzwonić."
)
PHONE_YES = "Tak, dołącz numer"
PHONE_NO = "Nie"
PHONE_ATTACHED = "Dołączyłem numer telefonu do zgłoszenia nr {number}."
PHONE_NOT_ATTACHED = "Dobrze, nie przekazuję numeru."
PHONE_NO_TICKET = (
    "Numer telefonu przyda się przy zgłoszeniu. Napisz najpierw, w jakiej sprawie, a przekażę "
    "pytanie koordynatorowi – potem możesz dołączyć numer."
)
STORAGE_DOWN = (
    "Przepraszam, z powodów technicznych nie mogę teraz przyjąć zgłoszenia. Spróbuj proszę "
    "za kilka minut albo skontaktuj się z koordynatorem: /kontakt."
)
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
    "Przypomnienia są włączone: przypomnę {lead} przed każdym spotkaniem i prześlę ogłoszenia "
    "koordynatora."
)
REMINDERS_STATE_OFF = (
    "Przypomnienia są wyłączone. Po włączeniu przypomnę {lead} przed każdym spotkaniem "
    "i prześlę ogłoszenia koordynatora."
)
REMINDERS_PRIVATE_ONLY = "Przypomnienia ustawisz w prywatnej rozmowie ze mną."
REMINDER = "🔔 Przypomnienie o spotkaniu:\n\n{meeting}"
ANNOUNCEMENT = "📢 Ogłoszenie {cluster_of}:\n\n{text}"
ANNOUNCE_USAGE = "Użycie: /ogloszenie treść ogłoszenia"
ANNOUNCE_STARTED = "Wysyłam ogłoszenie do {people} z włączonymi przypomnieniami…"
ANNOUNCE_REPORT = "Ogłoszenie dotarło do {delivered}."
ANNOUNCE_BLOCKED = " {blocked} bota i {was} {unsubscribed}."
ANNOUNCE_FAILED = " Nie udało się wysłać do {failed}."


def announce_started(recipients: int) -> str:
    return ANNOUNCE_STARTED.format(people=_to_people(recipients))


def announce_report(delivered: int, blocked: int, failed: int) -> str:
    """E.g. "Ogłoszenie dotarło do 2 osób. 1 osoba zablokowała bota i została wypisana."."""
    text = ANNOUNCE_REPORT.format(delivered=_to_people(delivered))
    if blocked:
        one = blocked == 1
        text += ANNOUNCE_BLOCKED.format(
            blocked=f"{count(blocked, PEOPLE)} " + ("zablokowała" if one else "zablokowały"
                                                      if _few(blocked) else "zablokowało"),
            was="została" if one else "zostały" if _few(blocked) else "zostało",
            unsubscribed="wypisana" if one else "wypisane")
    if failed:
        text += ANNOUNCE_FAILED.format(failed=_to_people(failed))
    return text


def _to_people(n: int) -> str:
    """After "do": "do 1 osoby", "do 2 osób", "do 5 osób" (the genitive)."""
    return f"{n} {'osoby' if n == 1 else 'osób'}"


def _few(n: int) -> bool:
    return n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14)


RELOADED = "Baza wiedzy wczytana ({how}): {entries}, {meetings}."
RELOAD_FAILED = (
    "Nie wczytałem nowej bazy wiedzy ({how}): {errors}. Dalej używam poprzedniej. Popraw:"
)


def reloaded(how: str, entries: int, meetings: int) -> str:
    return RELOADED.format(how=how, entries=count(entries, ENTRIES),
                           meetings=count(meetings, MEETINGS))


def reload_failed(how: str, errors: int) -> str:
    return RELOAD_FAILED.format(how=how, errors=count(errors, ERRORS))


TOO_MANY = "Dostałem dużo wiadomości naraz. Odczekaj minutę i napisz ponownie."
MY_DATA_TITLE = "Twoje dane, które zapisałem"
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
BAN_USAGE = "Użycie: /blokuj ID_UŻYTKOWNIKA (numer ze zgłoszenia, np. z /zgloszenia)"
UNBAN_USAGE = "Użycie: /odblokuj ID_UŻYTKOWNIKA"
BANNED = "Użytkownik {user_id} zablokowany: nie będę odpowiadał na jego wiadomości."
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
