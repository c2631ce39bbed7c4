"""Polish wording shared by every channel (console, Telegram).

Counts go through bot.plural ("1 osoba", "2 osoby", "5 osób"); the cluster's name comes from
the configuration (`cluster.*`), so texts naming it take {cluster_of} (genitive) or {cluster}.
Texts with counts or names are *_TEMPLATE constants behind a function (greeting(),
announce_report(), reloaded(), ...): call the function, never format the template.
"""

from bot.plural import ENTRIES, ERRORS, MEETINGS, PEOPLE, count

DEFAULT_CLUSTER = "Klaster Energii Powiatu Częstochowskiego"
DEFAULT_CLUSTER_OF = "Klastra Energii Powiatu Częstochowskiego"
GREETING_TEMPLATE = (
    "Dzień dobry! Jestem infolinią {cluster_of}.\n"
    "Napisz pytanie własnymi słowami, np. „jak dołączyć do klastra” albo "
    "„czym jest spółdzielnia energetyczna”. Możesz też wybrać temat z menu."
)
GREETING_COORDINATOR = " Na pytania, na które nie znam odpowiedzi, odpowiada koordynator " \
    "klastra: {coordinator_org}."


def greeting(cluster_of: str = DEFAULT_CLUSTER_OF, coordinator_org: str = "") -> str:
    text = GREETING_TEMPLATE.format(cluster_of=cluster_of)
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
SEE_ALSO = "Zobacz też: {label}"
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
ANNOUNCEMENT_TEMPLATE = "📢 Ogłoszenie {cluster_of}:\n\n{text}"


def announcement(text: str, cluster_of: str = DEFAULT_CLUSTER_OF) -> str:
    return ANNOUNCEMENT_TEMPLATE.format(cluster_of=cluster_of, text=text)


ANNOUNCE_USAGE = "Użycie: /ogloszenie treść ogłoszenia"
ANNOUNCE_STARTED_TEMPLATE = "Wysyłam ogłoszenie do {people} z włączonymi przypomnieniami…"
ANNOUNCE_REPORT_TEMPLATE = "Ogłoszenie dotarło do {delivered}."
ANNOUNCE_BLOCKED_TEMPLATE = " {blocked} bota i {was} {unsubscribed}."
ANNOUNCE_FAILED_TEMPLATE = " Nie udało się wysłać do {failed}."


def announce_started(recipients: int) -> str:
    return ANNOUNCE_STARTED_TEMPLATE.format(people=_to_people(recipients))


def announce_report(delivered: int, blocked: int, failed: int) -> str:
    """E.g. "Ogłoszenie dotarło do 2 osób. 1 osoba zablokowała bota i została wypisana."."""
    text = ANNOUNCE_REPORT_TEMPLATE.format(delivered=_to_people(delivered))
    if blocked:
        one = blocked == 1
        text += ANNOUNCE_BLOCKED_TEMPLATE.format(
            blocked=f"{count(blocked, PEOPLE)} " + ("zablokowała" if one else "zablokowały"
                                                      if _few(blocked) else "zablokowało"),
            was="została" if one else "zostały" if _few(blocked) else "zostało",
            unsubscribed="wypisana" if one else "wypisane")
    if failed:
        text += ANNOUNCE_FAILED_TEMPLATE.format(failed=_to_people(failed))
    return text


def _to_people(n: int) -> str:
    """After "do": "do 1 osoby", "do 2 osób", "do 5 osób" (the genitive)."""
    return f"{n} {'osoby' if n == 1 else 'osób'}"


def _few(n: int) -> bool:
    return n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14)


RELOADED_TEMPLATE = "Baza wiedzy wczytana ({how}): {entries}, {meetings}."
RELOAD_FAILED_TEMPLATE = (
    "Nie wczytałem nowej bazy wiedzy ({how}): {errors}. Dalej używam poprzedniej. Popraw:"
)


def reloaded(how: str, entries: int, meetings: int) -> str:
    return RELOADED_TEMPLATE.format(how=how, entries=count(entries, ENTRIES),
                           meetings=count(meetings, MEETINGS))


def reload_failed(how: str, errors: int) -> str:
    return RELOAD_FAILED_TEMPLATE.format(how=how, errors=count(errors, ERRORS))


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
CANCEL = "Anuluj"
LEARN_NOTHING = "Tego zgłoszenia nie da się dodać: nie ma już jego treści albo odpowiedzi."
LEARN_PREVIEW_TITLE = (
    "Propozycja wpisu do bazy wiedzy (zgłoszenie nr {number}). Nic jeszcze nie zapisałem."
)
NOT_LEARNED = "Nie dodano: {reason}."

# Knowledge reload held back, start on the snapshot, storage down (issue 9, 2b).
RELOAD_HELD = "Nie wczytałem zmian w bazie wiedzy ({how}): zniknęłyby wpisy:"
RELOAD_HELD_TAIL = (
    "Odpowiadam dalej według poprzedniej bazy. Jeśli to zamierzone, wyślij /przeladuj."
)
RELOAD_CONFIRMED = "Usunięte na Twoje polecenie: {ids}."
RELOAD_UNSETTLED = (
    "Pliki bazy wiedzy są jeszcze zapisywane ({files}). Wczytam je, gdy zapis się skończy."
)
REMOVED_FILE_GONE = "pliku nie ma"
REMOVED_MEETINGS = "spotkania"
REMOVED_MORE = "i {count} innych"
STARTED_ON_SNAPSHOT_BROKEN = (
    "Uruchomiłem się z ostatnią dobrą bazą wiedzy (zapisaną {saved}), bo obecne pliki mają "
    "błędy ({count}). Popraw je, a wczytam je sam:"
)
STARTED_ON_SNAPSHOT_REMOVED = (
    "Uruchomiłem się z ostatnią dobrą bazą wiedzy (zapisaną {saved}), bo w obecnych plikach "
    "zniknęłyby wpisy:"
)
STORAGE_DOWN = (
    "Przepraszam, nie mogę teraz przyjąć zgłoszenia z powodów technicznych. "
    "Spróbuj za kilka minut."
)
STORAGE_DOWN_CALL = " Możesz też zadzwonić do koordynatora: {phone}."
SETTING_NOT_SAVED = (
    "Przepraszam, nie mogę teraz zapisać tej zmiany z powodów technicznych. "
    "Spróbuj za kilka minut."
)
NO_ANSWER_STORAGE_DOWN = (
    "Nie mam gotowej odpowiedzi na to pytanie, a z powodów technicznych nie mogę go teraz "
    "przekazać koordynatorowi. Spróbuj za kilka minut."
)
LEARN_PREVIEW = (
    "Pytanie: {question}\n"
    "Napis na przycisku: {button}\n"
    "Kategoria: {category}\n"
    "Odpowiedź:\n{answer}"
)
LEARN_FLAGS = "⚠️ Zanim zapiszesz:"
LEARN_PHRASING_NOTE = (
    "„Do istniejącego wpisu…”: „Jako pytanie do…” dopisze tam tylko pytanie mieszkańca – "
    "odpowiedź tamtego wpisu się nie zmieni. Twoją odpowiedź wpisze tam tylko osobny wybór "
    "„Zastąp odpowiedź…”."
)
LEARN_SAVE = "✅ Zapisz jako nowy wpis"
LEARN_EDIT = {"question": "✏️ Pytanie", "answer": "✏️ Odpowiedź", "button": "✏️ Przycisk"}
LEARN_CATEGORY = "📂 Kategoria"
LEARN_STRIP = "✂️ Usuń powitanie i podpis"
LEARN_TARGETS = "🔗 Do istniejącego wpisu…"
LEARN_AS_PHRASING = "Jako pytanie do: {label}"
LEARN_REPLACE = "Zastąp odpowiedź: {label}"
LEARN_REPLACE_CONFIRM = (
    "Zastąpić odpowiedź wpisu „{question}” Twoją? Obecna odpowiedź:\n\n{answer}"
)
LEARN_REPLACE_YES = "Tak, zastąp odpowiedź"
BACK = "« Wróć"
LEARN_SAVE_ANYWAY = "Zapisz mimo to"
FIELD_EMPTY = "Ta wiadomość jest pusta – napisz tekst albo /anuluj."
NOT_LEARNED_FIELD = "Nie przyjmę tego: {reason}. Napisz jeszcze raz albo /anuluj."
LEARN_ASK = {
    "question": "Napisz pytanie tak, jak ma wyglądać we wpisie (najwyżej 200 znaków).",
    "answer": "Napisz nową odpowiedź – tak, jak ma ją dostać każdy mieszkaniec.",
    "button": "Napisz krótki napis na przycisk menu (najwyżej 40 znaków).",
}
INPUT_HINT = "Odpowiedz na tę wiadomość (albo /anuluj)."
CHOOSE_CATEGORY = "Wybierz kategorię wpisu:"
LEARNED_NEW = (
    "Dodałem wpis {entry} do bazy wiedzy ({file}). Następna osoba, która o to zapyta, "
    "dostanie tę odpowiedź od razu. Poprawisz go w /nauczone."
)
LEARNED_PHRASING = (
    "Dodałem pytanie do wpisu „{question}”. Jego odpowiedź się nie zmieniła – następna osoba "
    "z tym pytaniem dostanie ją od razu."
)
LEARNED_REPLACED = (
    "Zastąpiłem odpowiedź wpisu „{question}” ({file}) Twoją. Następna osoba dostanie nową "
    "odpowiedź."
)
NOT_LEARNED = "Nie zapisałem: {reason}."
LEARN_ALREADY = "Tę propozycję już zapisałem ({outcome}); nic nie zmieniam."
LEARN_ALREADY_CANCELLED = "Tę propozycję już anulowałem."
LEARN_IN_PROGRESS = "Właśnie zapisuję tę propozycję – nic więcej nie zmieniam."
LEARN_CANCELLED = "Dobrze, niczego nie zapisałem."
LEARN_OUTDATED = "Ten przycisk jest już nieaktualny – naciśnij „Dodaj do bazy wiedzy” jeszcze raz."
INPUT_CANCELLED = "Dobrze, zostawiam jak było."
NOTHING_TO_CANCEL = "Nie czekam na żadną odpowiedź od Ciebie."
LEARNED_LIST_TITLE = "Wpisy dodane z czatu ({count}). Wybierz, aby poprawić lub usunąć:"
LEARNED_LIST_NEWEST = "Pokazuję {limit} najnowszych; starsze poprawisz w pliku faq/nauczone.yaml."
LEARNED_LIST_EMPTY = (
    "Nie ma jeszcze wpisów dodanych z czatu. Dodasz je przyciskiem „Dodaj do bazy wiedzy” "
    "pod potwierdzeniem odpowiedzi."
)
LEARNED_ENTRY = (
    "Wpis {entry}\nPytanie: {question}\nNapis na przycisku: {button}\nOdpowiedź:\n{answer}"
)
LEARNED_PHRASINGS = "Pytania dopisane do wpisu „{question}” ({entry}):"
LEARNED_REMOVE = "🗑 Usuń wpis"
LEARNED_REMOVE_CONFIRM = "Usunąć wpis „{question}”? Mieszkańcy przestaną dostawać tę odpowiedź."
LEARNED_REMOVE_YES = "Tak, usuń"
LEARNED_REMOVED = "Usunąłem wpis „{question}”."
LEARNED_UNPHRASED = "Usunąłem pytanie „{text}” z wpisu {entry}."
LEARNED_UPDATED = "Poprawiłem wpis {entry}."
LEARNED_GONE = "Tego wpisu już nie ma w pliku nauczone.yaml."
# Meetings from chat (/dodaj_spotkanie, "Przenieś" / "Odwołaj" under /spotkania).
MEETING_ASK = {
    "title": "Dodaję spotkanie. Jak brzmi jego tytuł?",
    "when": "Kiedy? Napisz datę i godzinę, np. 15.12.2026 10:00 albo 15 grudnia 10:00 "
            "(z godziną zakończenia: 15.12.2026 10:00-12:00).",
    "place": "Gdzie? Miejsce i adres, np. Starostwo Powiatowe, ul. Sobieskiego 9, Częstochowa.",
    "audience": "Dla kogo jest spotkanie?",
    "registration": "Jak się zapisać? Np. „Zgłoszenia u koordynatora do 10 grudnia” albo "
                    "„Bez zapisów – wystarczy przyjść”.",
}
MEETING_AUDIENCE = {"public": "Dla wszystkich", "members": "Tylko dla członków klastra"}
MEETING_PREVIEW_TITLE = "Nowe spotkanie – sprawdź, zanim je zapiszę:"
MEETING_PREVIEW = (
    "{title}\nTermin: {when}\nMiejsce: {place}\nDla kogo: {audience}\nUdział: {registration}"
)
MEETING_NO_REGISTRATION = "(brak – dopisz, jak się zapisać)"
MEETING_SAVE = "✅ Zapisz spotkanie"
MEETING_EDIT = {"title": "✏️ Tytuł", "when": "✏️ Termin", "place": "✏️ Miejsce",
                "audience": "✏️ Dla kogo", "registration": "✏️ Udział"}
MEETING_ADDED = (
    "Dodałem spotkanie „{title}” ({when}). {who} zobaczą je w /spotkania; osoby "
    "z włączonymi przypomnieniami dostaną przypomnienie {lead} przed."
)
MEETING_SEEN_BY = {"public": "Wszyscy", "members": "Członkowie klastra"}
MEETING_NOT_SAVED = "Nie zapisałem: {reason}."
MEETING_NOT_UNDERSTOOD = "Nie rozumiem: {reason}."
MEETING_DRAFT_CANCELLED = "Dobrze, nie dodaję spotkania."
MEETING_ALREADY = "To już załatwione – nic nie zmieniam."
MEETING_MOVE = "Przenieś"
MEETING_CANCEL = "Odwołaj"
MEETING_MOVE_ASK = (
    "Na kiedy przenieść „{title}”? Napisz nową datę i godzinę, np. 15.12.2026 10:00 "
    "(bez godziny zakończenia spotkanie potrwa tyle, co dotąd)."
)
MEETING_CANCEL_CONFIRM = (
    "Odwołać „{title}” ({when})? Osoby, które dostały już przypomnienie albo wkrótce by je "
    "dostały, powiadomię."
)
MEETING_CANCEL_YES = "Tak, odwołaj"
MEETING_MOVED = "Przeniosłem „{title}” na {when}. {notified}"
MEETING_CANCELLED = "Odwołałem „{title}”. {notified}"
MEETING_GONE_FOR_COORDINATOR = "Tego spotkania nie ma już w meetings.yaml."
NOTIFIED = "Powiadamiam o zmianie {people} z włączonymi przypomnieniami."
NOBODY_TO_NOTIFY = "Nikt jeszcze nie dostał przypomnienia, więc nikogo nie powiadamiam."
MEETING_MOVED_NOTICE = (
    "📅 Zmiana terminu spotkania: {title}\nNowy termin: {when}\n(wcześniej: {old})"
)
MEETING_CANCELLED_NOTICE = "❌ Spotkanie odwołane: {title} ({when})."

# -- the resident's view of their tickets (issue 11, "the resident knows") -------------------
MY_TICKETS_TITLE = "Twoje zgłoszenia:"
MY_TICKETS_NONE = ("Nie masz jeszcze żadnych zgłoszeń. Jeśli nie znajdę odpowiedzi na Twoje "
                   "pytanie, mogę je przekazać koordynatorowi.")
MY_TICKETS_LINE = "nr {number} z {date} – {status}: „{question}”"
MY_TICKETS_HINT = "Żeby coś dopisać do zgłoszenia, odpowiedz na moją wiadomość o nim."
DEFAULT_REPLY_EXPECTATION = "zwykle w ciągu 2 dni roboczych"
REPLY_EXPECTATION = "Koordynator odpowiada {expectation}."
TICKET_CLOSED_NOTICE = ("Zamknąłem Twoje zgłoszenie nr {number} („{question}”) bez odpowiedzi "
                        "koordynatora.")
TICKET_CLOSED_REASON = "Powód: {reason}"
TICKET_CLOSED_FOOTER = ("Jeśli sprawa jest nadal aktualna, napisz do mnie jeszcze raz – "
                        "chętnie przekażę ją dalej.")
ANSWER_QUOTE = ("Odpowiedź koordynatora na Twoje pytanie „{question}” (zgłoszenie nr {number}):"
                "\n\n{text}")
ANSWER_DONE = "Dziękuję, to wszystko"
ANSWER_MORE = "Mam dodatkowe pytanie"
RATE_UP = "👍 Pomogło"
RATE_DOWN = "👎 Nie pomogło"
ANSWER_DONE_REPLY = "Cieszę się, że mogłem pomóc. W razie czego jestem tutaj."
ANSWER_MORE_PROMPT = ("Napisz proszę, o co jeszcze chcesz zapytać – dopiszę to do zgłoszenia "
                      "nr {number} i przekażę koordynatorowi.")
RATED = "Dziękuję za ocenę odpowiedzi!"

# -- the coordinator's desk (issue 11, "ticket status everywhere") ----------------------------
TICKET_TAKE = "👤 Biorę"
TICKET_CLOSE = "🔒 Zamknij"
TICKET_TAKEN = "Zgłoszenie nr {number} jest Twoje."
TICKET_NOT_OPEN = "Zgłoszenie nr {number} nie jest już otwarte."
ANSWER_AGAIN = {
    "answered": "Zgłoszenie nr {number} ma już odpowiedź – wysłać drugą?",
    "closed": "Zgłoszenie nr {number} jest zamknięte – mimo to wysłać odpowiedź?",
}
ANSWER_AGAIN_YES = "Tak, wyślij"
ANSWER_AGAIN_NO = "Nie"
ANSWER_AGAIN_DROPPED = "Nie wysłałem tej odpowiedzi."
NOT_A_TICKET_HINT = ("To nie jest zgłoszenie: żeby odpowiedzieć mieszkańcowi, odpowiedz na "
                     "wiadomość „Zgłoszenie #…” albo napisz /odpowiedz NUMER treść.")

# -- announcements with a preview (issue 11, item 5) -------------------------------------------
ANNOUNCE_PREVIEW = ("Tak będzie wyglądać ogłoszenie:\n\n{text}\n\n"
                    "Odbiorcy (z włączonymi przypomnieniami): wszyscy – {everyone}, "
                    "tylko członkowie – {members}. Do kogo wysłać?")
ANNOUNCE_TO_EVERYONE = "Wszystkim ({count})"
ANNOUNCE_TO_MEMBERS = "Członkom ({count})"
ANNOUNCE_CANCEL = "Anuluj"
ANNOUNCE_CANCELLED = "Nie wysłałem ogłoszenia."
