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
